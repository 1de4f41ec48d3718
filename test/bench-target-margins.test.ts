import { describe, expect, it } from 'vitest';
import { distinctNetworks, latencyAgainstFlops, marginsNearSeed, medianMargin, passVerdict } from '../benchmarks/target-margins.js';

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
