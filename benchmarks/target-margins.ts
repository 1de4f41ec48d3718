/**
 * bench:shrink's (b): the latency target against the FLOP target at matched accuracy on one device. Each
 * latency-targeted network is placed on the FLOP-targeted ones' accuracy-latency curve at its accuracy,
 * and each FLOP-targeted one on the latency-targeted curve; a margin is how much faster the latency
 * target's network runs at the same accuracy. A device's verdict is the median of its margins. Timed in
 * several passes, the machine's speed moves between passes more than the networks taking turns within a
 * pass see, so each pass is judged on its own latencies and the verdict is the median over passes.
 * How far retraining noise moves that verdict is read by drawing each network's retrainings again.
 */
import { median, quantile } from 'simple-statistics';
import { latencyAtAccuracy } from './accuracy-match.js';
import type { AccuracyPoint } from './accuracy-match.js';
import { sameStructure } from '../src/graph/alive.js';
import { mulberry32 } from '../src/util/random.js';
import type { Structure } from '../src/graph/alive.js';

/** One network of (b) against the other method's curve: that curve's latency at its accuracy and the margin, where the curve brackets it. */
export interface TargetComparison {
  readonly method: 'latency' | 'flops';
  /** Index of the network among its method's. */
  readonly index: number;
  readonly otherMs?: number;
  readonly margin?: number;
}

/** Every latency-targeted network against the FLOP-targeted curve, then every FLOP-targeted one against the latency-targeted curve. */
export function latencyAgainstFlops(latency: readonly AccuracyPoint[], flops: readonly AccuracyPoint[]): TargetComparison[] {
  const against = (method: TargetComparison['method'], own: readonly AccuracyPoint[], others: readonly AccuracyPoint[]): TargetComparison[] =>
    own.map((a, index) => {
      const otherMs = latencyAtAccuracy(others, a.accuracy);
      if (otherMs === undefined) return { method, index };
      return { method, index, otherMs, margin: method === 'flops' ? a.ms / otherMs - 1 : otherMs / a.ms - 1 };
    });
  return [...against('latency', latency, flops), ...against('flops', flops, latency)];
}

/** The median margin of the comparisons that found one, or undefined when none did. */
export function medianMargin(comparisons: readonly TargetComparison[]): number | undefined {
  const margins = comparisons.map((c) => c.margin).filter((m): m is number => m !== undefined);
  return margins.length === 0 ? undefined : median(margins);
}

/**
 * A device's verdict over timing passes: `marginOf(pass)` is one pass's median margin (undefined where
 * nothing was bracketed); the verdict is the median of the passes that have one.
 */
export function passVerdict(passes: number, marginOf: (pass: number) => number | undefined): { perPass: (number | undefined)[]; margin: number | undefined } {
  const perPass = Array.from({ length: passes }, (_, k) => marginOf(k));
  const found = perPass.filter((m): m is number => m !== undefined);
  return { perPass, margin: found.length === 0 ? undefined : median(found) };
}

/**
 * A method's networks counted once each: where two of its budgets gave the same architecture (a width
 * floor can hold a small budget up to a larger one's network), the first is kept and each later one is
 * mapped to it, so that one network is neither a point of its curve twice nor two of the margins.
 */
export function distinctNetworks<A extends { readonly structure: Structure }>(networks: readonly A[]): { kept: A[]; sameAs: Map<A, A> } {
  const kept: A[] = [];
  const sameAs = new Map<A, A>();
  for (const a of networks) {
    const first = kept.find((k) => sameStructure(k.structure, a.structure));
    if (first === undefined) kept.push(a);
    else sameAs.set(a, first);
  }
  return { kept, sameAs };
}

/** Where (b) splits its margins: networks within this many points of the seed's accuracy count as near the seed. */
export const NEAR_SEED_POINTS = 2;

/** The median and number of some margins (no median when there are none). */
export interface MarginGroup {
  readonly median?: number;
  readonly count: number;
}

/**
 * (b)'s margins split by the accuracy of the network each belongs to: within `points` of the seed's
 * accuracy (or above it), where a shrunk network keeps every layer and the latency target can only move
 * channels between layers, and further below, where it can drop whole layers' fixed costs. Descriptive:
 * the verdict stays the median over all margins.
 */
export function marginsNearSeed(
  comparisons: readonly { readonly accuracy: number; readonly margin?: number }[],
  seedAccuracy: number,
  points = NEAR_SEED_POINTS,
): { near: MarginGroup; far: MarginGroup } {
  const group = (near: boolean): MarginGroup => {
    const margins = comparisons
      .filter((c) => c.accuracy >= seedAccuracy - points / 100 === near)
      .map((c) => c.margin)
      .filter((m): m is number => m !== undefined);
    return margins.length === 0 ? { count: 0 } : { median: median(margins), count: margins.length };
  };
  return { near: group(true), far: group(false) };
}

/** A network of (b) with its accuracy and its latency in every timing pass. */
export interface TimedPoint {
  readonly accuracy: number;
  readonly msPasses: readonly number[];
}

/** (b)'s verdict on networks timed in `passes` passes: each pass's median margin on that pass's latencies, then the median over the passes. */
export function timedVerdict(latency: readonly TimedPoint[], flops: readonly TimedPoint[], passes: number): { perPass: (number | undefined)[]; margin: number | undefined } {
  const at = (networks: readonly TimedPoint[], pass: number): AccuracyPoint[] => networks.map((n) => ({ accuracy: n.accuracy, ms: n.msPasses[pass] ?? Number.NaN }));
  return passVerdict(passes, (k) => medianMargin(latencyAgainstFlops(at(latency, k), at(flops, k))));
}

/** A network of (b) as retrained and timed: every retraining's test accuracy, and its latency in every timing pass. */
export interface RetrainedTimings {
  readonly accuracies: readonly number[];
  readonly msPasses: readonly number[];
}

/** How far (b)'s verdict moves when each network's retrainings are drawn again (see `resampledVerdict`). */
export interface ResampledVerdict {
  /** Resamples that gave a verdict (some may bracket nothing). */
  readonly count: number;
  /** The 5th and 95th percentiles of their verdicts. */
  readonly low: number;
  readonly high: number;
  /** The share of them at or above `threshold`. */
  readonly atLeast: number;
  readonly threshold: number;
}

/**
 * (b)'s verdict under retraining noise: a bootstrap that draws each network's retrainings again with
 * replacement (as many as it has), takes their mean as its accuracy, and judges the device as (b) does
 * (each pass's median margin, then the median over passes) on the same latencies. Seeded, so a table
 * re-rendered from the same results reads the same. Undefined when no resample brackets anything.
 */
export function resampledVerdict(
  latency: readonly RetrainedTimings[],
  flops: readonly RetrainedTimings[],
  passes: number,
  { resamples = 1000, seed = 1, threshold = 0.1 }: { resamples?: number; seed?: number; threshold?: number } = {},
): ResampledVerdict | undefined {
  const random = mulberry32(seed);
  const drawMean = (accuracies: readonly number[]): number => {
    let sum = 0;
    for (let k = 0; k < accuracies.length; k++) sum += accuracies[Math.floor(random() * accuracies.length)]!;
    return sum / accuracies.length;
  };
  const drawn = (n: RetrainedTimings): TimedPoint => ({ accuracy: drawMean(n.accuracies), msPasses: n.msPasses });
  const verdicts: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const { margin } = timedVerdict(latency.map(drawn), flops.map(drawn), passes);
    if (margin !== undefined) verdicts.push(margin);
  }
  if (verdicts.length === 0) return undefined;
  return {
    count: verdicts.length,
    low: quantile(verdicts, 0.05),
    high: quantile(verdicts, 0.95),
    atLeast: verdicts.filter((v) => v >= threshold).length / verdicts.length,
    threshold,
  };
}
