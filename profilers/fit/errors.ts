/** Prediction errors as the profile reports them: median absolute relative error and share within ±10%. */
import { median } from 'simple-statistics';
import type { ErrorSummary } from '../../src/profile/schema.js';

/** Summarizes predicted against measured values. */
export function errorSummary(pairs: readonly (readonly [number, number])[]): ErrorSummary {
  if (pairs.length === 0) return { count: 0, medianAbsError: 0, within10: 0 };
  const errors = pairs.map(([predicted, measured]) => Math.abs(predicted - measured) / measured);
  return { count: pairs.length, medianAbsError: median(errors), within10: errors.filter((e) => e <= 0.1).length / errors.length };
}
