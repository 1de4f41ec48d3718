/**
 * A fitted latency function of one op: the family's features times the fitted coefficients, corrected
 * by the measured residual ratios nearby, with derivatives taken over one staircase step.
 */
import type { Fit, Geometry } from '../../profile/schema.js';
import { latencyFamilyFor } from './registry.js';
import { alignmentOf } from './types.js';

/** The scale over which residual corrections fade, as a share of the swept channel range. */
const RESIDUAL_REACH = 0.08;

/** A latency function of (aIn, aOut) in ms, with its marginal cost per channel. */
export interface LatencyFunction {
  value(aIn: number, aOut: number): number;
  gradient(aIn: number, aOut: number): { dIn: number; dOut: number };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/**
 * The log-ratio correction at (aIn, aOut), whose alignment class is `unaligned`: inverse-distance
 * weighting of the residuals of the same class (`residualsUnaligned`, one per residual), fading to none
 * away from measured points.
 */
function residualLogRatio(fit: Fit, aIn: number, aOut: number, spanIn: number, spanOut: number, unaligned: boolean, residualsUnaligned: readonly boolean[]): number {
  if (fit.residuals.length === 0) return 0;
  let weighted = 0;
  let total = 1;
  for (let i = 0; i < fit.residuals.length; i++) {
    if (residualsUnaligned[i] !== unaligned) continue;
    const [rIn, rOut, ratio] = fit.residuals[i]!;
    const dx = (aIn - rIn) / spanIn;
    const dy = (aOut - rOut) / spanOut;
    const d2 = (dx * dx + dy * dy) / (RESIDUAL_REACH * RESIDUAL_REACH);
    if (d2 > 9) continue;
    const w = 1 / (d2 * d2 + 1e-6);
    weighted += w * Math.log(ratio);
    total += w;
  }
  return weighted / total;
}

/**
 * The latency function of a fit for an op of geometry `g` at batch `batch`. `maxIn`/`maxOut` are the
 * swept ranges, over which residual corrections are spaced.
 */
export function fittedLatency(fit: Fit, g: Geometry, batch: number, maxIn: number, maxOut: number): LatencyFunction {
  const family = latencyFamilyFor(g.kind);
  const steps = { qIn: fit.qIn, qOut: fit.qOut };
  const spanIn = Math.max(1, maxIn);
  const spanOut = Math.max(1, maxOut);
  const smooth = (aIn: number, aOut: number, unaligned: boolean): number =>
    Math.max(0, dot(family.features(g, aIn, aOut, batch, steps, unaligned), fit.coef));
  const slowPath = alignmentOf(fit);
  const isUnaligned = (aIn: number, aOut: number): boolean => slowPath(aIn, aOut, g, batch);
  const residualsUnaligned = fit.residuals.map(([rIn, rOut]) => isUnaligned(rIn, rOut));
  const correction = (aIn: number, aOut: number): number =>
    Math.exp(residualLogRatio(fit, aIn, aOut, spanIn, spanOut, isUnaligned(aIn, aOut), residualsUnaligned));
  return {
    value(aIn, aOut) {
      if (aOut <= 0) return 0;
      return smooth(aIn, aOut, isUnaligned(aIn, aOut)) * correction(aIn, aOut);
    },
    gradient(aIn, aOut) {
      const u = isUnaligned(aIn, aOut);
      const r = correction(aIn, aOut);
      const base = smooth(aIn, aOut, u);
      const sIn = Math.max(fit.qIn, 4);
      const sOut = Math.max(fit.qOut, 4);
      return {
        dIn: (r * (smooth(aIn + sIn, aOut, u) - base)) / sIn,
        dOut: (r * (smooth(aIn, aOut + sOut, u) - base)) / sOut,
      };
    },
  };
}
