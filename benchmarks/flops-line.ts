/**
 * How far a device's latency follows FLOPs: the least-squares line ms = a + b·MFLOPs through the
 * architectures measured there. A per-network constant (the time of a network's layers at any width) is
 * allowed, so "follows FLOPs" means that minimizing FLOPs minimizes latency, and a latency target can
 * then only win by removing layers. Each method's architectures are also placed against that line: a
 * latency target that finds networks faster than their FLOPs say sits below it.
 */
import { linearRegression, median } from 'simple-statistics';

/** A network measured on the device. */
export interface FlopsPoint {
  readonly mflops: number;
  readonly ms: number;
}

/** The line through a device's networks and how far they lie from it (relative, absolute values). */
export interface FlopsFit {
  readonly interceptMs: number;
  readonly msPerMflop: number;
  readonly median: number;
  readonly max: number;
  /** Whether the residuals stay within `FOLLOWS_FLOPS`. */
  readonly follows: boolean;
}

/** Residuals under which a device's latency counts as following FLOPs (see `flopsFit`). */
export const FOLLOWS_FLOPS = { median: 0.03, max: 0.1 } as const;

/** The least-squares line through `points` and its relative residuals |line / ms − 1|. */
export function flopsFit(points: readonly FlopsPoint[]): FlopsFit {
  const { m, b } = linearRegression(points.map((p) => [p.mflops, p.ms]));
  const residuals = points.map((p) => Math.abs((b + m * p.mflops) / p.ms - 1));
  const fit = { interceptMs: b, msPerMflop: m, median: median(residuals), max: Math.max(...residuals) };
  return { ...fit, follows: fit.median <= FOLLOWS_FLOPS.median && fit.max <= FOLLOWS_FLOPS.max };
}

/** One method's networks against the line: the median of ms / line − 1 (negative: faster than their FLOPs say). */
export interface LineOffset<M extends string = string> {
  readonly method: M;
  readonly median: number;
  readonly count: number;
}

/** How far each method's networks run from the line `fit`, per method in the order first met. */
export function lineOffsets<M extends string>(fit: Pick<FlopsFit, 'interceptMs' | 'msPerMflop'>, points: readonly (FlopsPoint & { readonly method: M })[]): LineOffset<M>[] {
  const byMethod = new Map<M, number[]>();
  for (const p of points) {
    const offsets = byMethod.get(p.method) ?? [];
    offsets.push(p.ms / (fit.interceptMs + fit.msPerMflop * p.mflops) - 1);
    byMethod.set(p.method, offsets);
  }
  return [...byMethod].map(([method, offsets]) => ({ method, median: median(offsets), count: offsets.length }));
}
