import { describe, expect, it } from 'vitest';
import { distinctNetworks, latencyAgainstFlops, marginsNearSeed, medianMargin, passVerdict, resampledVerdict } from '../benchmarks/target-margins.js';

const p = (accuracy: number, ms: number) => ({ accuracy, ms });

describe("bench:shrink's latency target against the FLOP target (b)", () => {
  const latency = [p(0.7, 1), p(0.8, 1.5), p(0.9, 3)];
  const flops = [p(0.75, 2), p(0.85, 3)];

  it("places each network on the other method's curve at its accuracy, and says where the curve does not reach", () => {
    const c = latencyAgainstFlops(latency, flops);
    expect(c.map((x) => [x.method, x.index])).toEqual([['latency', 0], ['latency', 1], ['latency', 2], ['flops', 0], ['flops', 1]]);
    expect(c[0]!.margin).toBeUndefined();
    // latency's 0.8 network (1.5 ms) against FLOPs between 0.75 (2 ms) and 0.85 (3 ms): 2.5 ms.
    expect(c[1]!.otherMs).toBeCloseTo(2.5, 12);
    expect(c[1]!.margin).toBeCloseTo(2.5 / 1.5 - 1, 12);
    expect(c[2]!.margin).toBeUndefined();
    // FLOPs' 0.75 network (2 ms) against latency between 0.7 (1 ms) and 0.8 (1.5 ms): 1.25 ms; 0.85 (3 ms) against 2.25 ms.
    expect(c[3]!.margin).toBeCloseTo(2 / 1.25 - 1, 12);
    expect(c[4]!.margin).toBeCloseTo(3 / 2.25 - 1, 12);
    expect(medianMargin(c)).toBeCloseTo(2 / 1.25 - 1, 12);
  });

  it('gives a negative margin where the FLOP target runs faster at the same accuracy, and none without brackets', () => {
    const c = latencyAgainstFlops([p(0.8, 2)], [p(0.7, 1), p(0.9, 1.2)]);
    expect(c[0]!.margin).toBeCloseTo(1.1 / 2 - 1, 12);
    expect(medianMargin(latencyAgainstFlops([p(0.5, 1)], [p(0.9, 1)]))).toBeUndefined();
  });

  it('judges each timing pass on its own and takes the median over the passes that found a margin', () => {
    const margins = [0.114, 0.042, 0.094, undefined];
    const v = passVerdict(4, (k) => margins[k]);
    expect(v.perPass).toEqual(margins);
    expect(v.margin).toBeCloseTo(0.094, 12);
    expect(passVerdict(2, () => undefined).margin).toBeUndefined();
  });
});

describe("bench:shrink's networks counted once per method", () => {
  it('keeps the first of the budgets that gave the same architecture and maps the later ones to it', () => {
    const at5 = { budget: 0.05, structure: { stem: 4, block1: 12 } };
    const at10 = { budget: 0.1, structure: { block1: 12, stem: 4 } };
    const at25 = { budget: 0.25, structure: { stem: 4, block1: 13 } };
    const at50 = { budget: 0.5, structure: { stem: 4 } };
    const { kept, sameAs } = distinctNetworks([at5, at10, at25, at50]);
    expect(kept).toEqual([at5, at25, at50]);
    expect([...sameAs]).toEqual([[at10, at5]]);
  });
});

describe("bench:shrink's margins near the seed's accuracy and further below", () => {
  it('splits the margins at the given points under the seed, counts only those found, and takes each side\'s median', () => {
    const comparisons = [
      { accuracy: 0.75, margin: 0.3 },
      { accuracy: 0.77, margin: 0.2 },
      { accuracy: 0.78, margin: 0.25 },
      { accuracy: 0.79 },
      { accuracy: 0.8, margin: 0.04 },
      { accuracy: 0.815, margin: -0.02 },
      { accuracy: 0.84, margin: 0.01 },
    ];
    const split = marginsNearSeed(comparisons, 0.82, 2);
    expect(split.far).toEqual({ median: 0.25, count: 3 });
    expect(split.near.count).toBe(3);
    expect(split.near.median).toBeCloseTo(0.01, 12);
    const allFar = marginsNearSeed(comparisons, 0.9, 2);
    expect(allFar.near).toEqual({ count: 0 });
    expect(allFar.far.count).toBe(6);
    expect(allFar.far.median).toBeCloseTo((0.04 + 0.2) / 2, 12);
  });
});

describe("bench:shrink's verdict with each network's retrainings drawn again", () => {
  const n = (accuracies: number[], msPasses: number[]) => ({ accuracies, msPasses });

  it('reads the verdict itself in every resample when the retrainings agree', () => {
    const latency = [n([0.7, 0.7], [1, 1.1]), n([0.8, 0.8], [1.5, 1.4]), n([0.9, 0.9], [3, 3.2])];
    const flops = [n([0.75, 0.75], [2, 2.2]), n([0.85, 0.85], [3, 2.9])];
    const at = (k: number) =>
      medianMargin(
        latencyAgainstFlops(
          latency.map((x) => p(x.accuracies[0]!, x.msPasses[k]!)),
          flops.map((x) => p(x.accuracies[0]!, x.msPasses[k]!)),
        ),
      );
    const verdict = passVerdict(2, at).margin!;
    const r = resampledVerdict(latency, flops, 2, { resamples: 50 })!;
    expect(r.count).toBe(50);
    expect(r.low).toBeCloseTo(verdict, 12);
    expect(r.high).toBeCloseTo(verdict, 12);
    expect(r.atLeast).toBe(verdict >= 0.1 ? 1 : 0);
  });

  it("spreads the verdict as far as a network's retrainings move it along the other curve, the same for the same seed", () => {
    // The FLOP network's retrainings, 0.84 and 0.86, place it on the latency curve (1 ms at 0.8, 2 ms at 0.9) at 1.4, 1.5 or
    // 1.6 ms (a quarter, a half, a quarter of the draws): margins 1.8/1.4 − 1, 1.8/1.5 − 1, 1.8/1.6 − 1; the latency
    // networks have no bracket of their own.
    const latency = [n([0.8, 0.8], [1]), n([0.9, 0.9], [2])];
    const flops = [n([0.84, 0.86], [1.8])];
    const r = resampledVerdict(latency, flops, 1, { resamples: 1000, seed: 7, threshold: 0.15 })!;
    expect(r.count).toBe(1000);
    expect(r.low).toBeCloseTo(1.8 / 1.6 - 1, 12);
    expect(r.high).toBeCloseTo(1.8 / 1.4 - 1, 12);
    expect(r.atLeast).toBeGreaterThan(0.68);
    expect(r.atLeast).toBeLessThan(0.82);
    expect(resampledVerdict(latency, flops, 1, { resamples: 1000, seed: 7, threshold: 0.15 })).toEqual(r);
  });

  it('has no verdict where no resample brackets anything', () => {
    expect(resampledVerdict([n([0.5, 0.6], [1])], [n([0.9, 0.95], [1])], 1, { resamples: 20 })).toBeUndefined();
  });
});
