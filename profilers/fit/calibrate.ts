/**
 * End-to-end calibration: layers timed alone do not add up to a network's latency, so the sum of the
 * per-op predictions is mapped onto measured end-to-end latencies: ms = scale·Σ + perOpMs·ops + offset.
 */
import { median } from 'simple-statistics';
import type { Calibration } from '../../src/profile/schema.js';
import { leastSquares } from './nnls.js';

/** One calibration network: the sum of its per-op predictions, its op count, and its measured latency. */
export interface CalibrationPoint {
  readonly sumMs: number;
  readonly ops: number;
  readonly measuredMs: number;
}

/**
 * Fits the calibration. With one op count across points (width variants of one model), scale and
 * offset; with several, scale and a per-op term. Degenerate fits fall back to one scale factor.
 */
export function calibrate(points: readonly CalibrationPoint[]): Calibration {
  const ratioOnly: Calibration = {
    scale: points.length === 0 ? 1 : median(points.map((p) => p.measuredMs / p.sumMs)),
    perOpMs: 0,
    offsetMs: 0,
    points: points.length,
  };
  if (points.length < 3) return ratioOnly;
  const opCounts = new Set(points.map((p) => p.ops));
  const weights = points.map((p) => 1 / p.measuredMs);
  const rows = points.map((p, i) => (opCounts.size > 1 ? [p.sumMs, p.ops] : [p.sumMs, 1]).map((x) => x * weights[i]!));
  const [scale = 0, second = 0] = leastSquares(rows, points.map(() => 1));
  if (!(scale > 0.2 && scale < 5)) return ratioOnly;
  return opCounts.size > 1
    ? { scale, perOpMs: second, offsetMs: 0, points: points.length }
    : { scale, perOpMs: 0, offsetMs: second, points: points.length };
}
