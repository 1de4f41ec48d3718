import { describe, expect, it } from 'vitest';
import { flopsFit, lineOffsets } from '../benchmarks/flops-line.js';

describe("bench:shrink's line of latency against FLOPs", () => {
  it('finds the line through networks on it and says latency follows FLOPs there', () => {
    const fit = flopsFit([1, 2, 4, 8].map((mflops) => ({ mflops, ms: 1 + 0.5 * mflops })));
    expect(fit.interceptMs).toBeCloseTo(1, 10);
    expect(fit.msPerMflop).toBeCloseTo(0.5, 10);
    expect(fit.max).toBeCloseTo(0, 10);
    expect(fit.follows).toBe(true);
  });

  it('says it does not where one network runs far from the line', () => {
    const points = [1, 2, 4, 8].map((mflops) => ({ mflops, ms: 1 + 0.5 * mflops }));
    expect(flopsFit([...points, { mflops: 3, ms: 4 }]).follows).toBe(false);
  });

  it("places each method's networks against the line, negative where they run faster than their FLOPs say", () => {
    const fit = { interceptMs: 1, msPerMflop: 0.5 };
    const offsets = lineOffsets(fit, [
      { method: 'latency', mflops: 2, ms: 1.6 },
      { method: 'flops', mflops: 2, ms: 2.2 },
      { method: 'latency', mflops: 4, ms: 2.7 },
      { method: 'latency', mflops: 6, ms: 4 },
    ]);
    expect(offsets.map((o) => o.method)).toEqual(['latency', 'flops']);
    expect(offsets[0]!.median).toBeCloseTo(-0.1, 10);
    expect(offsets[0]!.count).toBe(3);
    expect(offsets[1]!.median).toBeCloseTo(0.1, 10);
  });
});
