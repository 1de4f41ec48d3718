/**
 * End-to-end calibration: layers timed alone do not add up to a network's latency, so the per-op
 * predictions are mapped onto measured end-to-end latencies:
 *   ms = scale · Σ max(0, op ms − hiddenMs) + offset.
 * `hiddenMs` is the part of every op's time alone that a network hides: a layer timed alone waits for
 * its own dispatch and result, while a network queues its kernels back to back. On webgpu (Dawn on
 * lavapipe) it is most of a small elementwise op's time alone (0.2-0.4 ms), and a single scale missed
 * held-out networks by 30% (elementwise-heavy nets ran at half the summed prediction, conv chains at
 * 1.4x it). A synchronous backend (cpu, wasm) has none: searched for there anyway, a hidden time of
 * 2 µs fitted the wasm profile's ten networks a little closer and moved its predictions of the zoo's
 * width variants by 5%, a third of them out of ±10%.
 */
import { median } from 'simple-statistics';
import type { Calibration } from '../../src/profile/schema.js';
import { nnls } from './nnls.js';

/** One calibration network: the per-op predictions of its layers (before calibration) and its measured latency. */
export interface CalibrationPoint {
  readonly opMs: readonly number[];
  readonly measuredMs: number;
}

/** Hidden times tried: this many steps up to the median op time of the calibration networks. */
const HIDDEN_STEPS = 20;
/** A hidden time is kept only when it cuts the median calibration error to this share of the error without it. */
const HIDDEN_GAIN = 0.8;

/** Σ max(0, t − hidden) over a network's ops. */
export function visibleSum(opMs: readonly number[], hiddenMs: number): number {
  let sum = 0;
  for (const t of opMs) sum += Math.max(0, t - hiddenMs);
  return sum;
}

/** Scale and offset for one hidden time, on relative error, with the median relative error they leave. */
function fitAt(points: readonly CalibrationPoint[], hiddenMs: number): { calibration: Calibration; error: number } {
  const sums = points.map((p) => visibleSum(p.opMs, hiddenMs));
  const ratioOnly = {
    scale: points.length === 0 ? 1 : median(points.map((p, i) => p.measuredMs / Math.max(1e-9, sums[i] ?? 0))),
    offsetMs: 0,
  };
  let fitted = ratioOnly;
  if (points.length >= 3) {
    const rows = points.map((p, i) => [(sums[i] ?? 0) / p.measuredMs, 1 / p.measuredMs]);
    const [scale = 0, offsetMs = 0] = nnls(rows, points.map(() => 1));
    if (scale > 0.2 && scale < 5) fitted = { scale, offsetMs };
  }
  const calibration: Calibration = { scale: fitted.scale, perOpMs: 0, offsetMs: fitted.offsetMs, points: points.length, ...(hiddenMs > 0 ? { hiddenMs } : {}) };
  const error =
    points.length === 0 ? 0 : median(points.map((p, i) => Math.abs((fitted.scale * (sums[i] ?? 0) + fitted.offsetMs) / p.measuredMs - 1)));
  return { calibration, error };
}

/**
 * Fits the calibration: a hidden per-op time searched over a grid, and for each a scale on the visible
 * per-op time and a network-level offset (the part of `predict` that belongs to no layer), both
 * non-negative, on relative error (a negative offset made small networks predict negative latency). A
 * hidden time is kept only when it clearly fits better than none (its median error under
 * `HIDDEN_GAIN` of the error without it), so a device without one keeps the plain form. A per-op
 * constant is not fitted: across networks of different depth it extrapolated badly. Degenerate fits
 * fall back to one scale factor. Without `hiddenTime` (synchronous backends), the plain form.
 */
export function calibrate(points: readonly CalibrationPoint[], options: { hiddenTime: boolean }): Calibration {
  const plain = fitAt(points, 0);
  if (points.length < 3 || !options.hiddenTime) return plain.calibration;
  const typicalOp = median(points.flatMap((p) => p.opMs).filter((t) => t > 0).concat([0]));
  let best = plain;
  for (let i = 1; i <= HIDDEN_STEPS; i++) {
    const candidate = fitAt(points, (typicalOp * i) / HIDDEN_STEPS);
    if (candidate.error < best.error) best = candidate;
  }
  return best.error < HIDDEN_GAIN * plain.error ? best.calibration : plain.calibration;
}
