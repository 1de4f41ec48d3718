import { describe, expect, it } from 'vitest';
import { crossDeviceRows } from '../benchmarks/shrink-cross.js';
import type { DeviceArchitecturePoint } from '../benchmarks/shrink-cross.js';

const point = (device: string, budget: number, accuracy: number, ms: number): DeviceArchitecturePoint => ({ device, budget, accuracy, ms });

describe("bench:shrink's device-specific comparison (c)", () => {
  const own = [point('a', 0.25, 0.7, 1), point('a', 0.5, 0.8, 2), point('a', 0.75, 0.9, 3)];
  const other = [point('b', 0.25, 0.75, 2), point('b', 0.5, 0.85, 4), point('b', 0.75, 0.95, 6)];

  it("places each own architecture on the other device's curve and each of the other's on the own curve", () => {
    const { rows, margin } = crossDeviceRows('a', own, [other]);
    // own at 0.8 against b between 0.75 (2 ms) and 0.85 (4 ms): 3 ms, so 3/2 - 1; at 0.9: 5 ms against 3.
    // b's at 0.75 (2 ms) against own between 0.7 (1) and 0.8 (2): 1.5 ms, so 2/1.5 - 1; at 0.85: 4 against 2.5.
    const expected = [3 / 2 - 1, 5 / 3 - 1, 2 / 1.5 - 1, 4 / 2.5 - 1].sort((x, y) => x - y);
    expect(margin).toBeCloseTo((expected[1]! + expected[2]!) / 2, 10);
    expect(rows).toHaveLength(own.length + other.length + 1);
    expect(rows[0]).toContain("outside the other device's accuracies");
    expect(rows[1]).toContain('| a | for a at 50% | 80.0% | 2.00 | 3.00 (between for b at 25% and for b at 50%) | 50.0% |');
    expect(rows[5]).toContain("outside this device's own accuracies");
    expect(rows.at(-1)).toContain('all 4 matched comparisons | | | median margin | 55.0% (≥ 10%)');
  });

  it('gives a negative margin where the other device runs its architectures faster, and none without brackets', () => {
    const { margin } = crossDeviceRows('b', other, [own]);
    expect(margin).toBeLessThan(0);
    const apart = crossDeviceRows('a', own, [[point('b', 0.5, 0.99, 1)]]);
    expect(apart.margin).toBeUndefined();
    expect(apart.rows.at(-1)).toContain('all 0 matched comparisons | | | median margin | – |');
  });
});
