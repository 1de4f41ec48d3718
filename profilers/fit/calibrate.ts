/**
 * End-to-end calibration: layers timed alone do not add up to a network's latency, so the sum of the
 * per-op predictions is mapped onto measured end-to-end latencies: ms = scale·Σ + offset.
 */
import { median } from 'simple-statistics';
import type { Calibration } from '../../src/profile/schema.js';
import { nnls } from './nnls.js';

/** One calibration network: the sum of its per-op predictions, its op count, and its measured latency. */
export interface CalibrationPoint {
  readonly sumMs: number;
  readonly ops: number;
  readonly measuredMs: number;
}

/**
 * Fits the calibration: a scale on the summed per-op predictions and a network-level offset (the part of
 * `predict` that belongs to no layer), both non-negative, on relative error: a negative offset made small
 * networks predict negative latency. A per-op term is not fitted: across networks of different depth it
 * extrapolated badly. Degenerate fits fall back to one scale factor.
 */
export function calibrate(points: readonly CalibrationPoint[]): Calibration {
  const ratioOnly: Calibration = {
    scale: points.length === 0 ? 1 : median(points.map((p) => p.measuredMs / p.sumMs)),
    perOpMs: 0,
    offsetMs: 0,
    points: points.length,
  };
  if (points.length < 3) return ratioOnly;
  const rows = points.map((p) => [p.sumMs / p.measuredMs, 1 / p.measuredMs]);
  const [scale = 0, offsetMs = 0] = nnls(rows, points.map(() => 1));
  if (!(scale > 0.2 && scale < 5)) return ratioOnly;
  return { scale, perOpMs: 0, offsetMs, points: points.length };
}
