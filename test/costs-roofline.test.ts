/**
 * MorphNet's roofline latency: per op max(FLOPs/peak, bytes/bandwidth), summed over ops, in ms, with
 * MorphNet's hardware table (peak GFLOP/s, bandwidth GB/s).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { HARDWARE, analyticTargetNamed, flopsTarget, memoryTarget, networkCost, rooflineTarget } from '../src/costs/index.js';
import { UsageError } from '../src/errors.js';
import { buildGraph } from '../src/graph/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { referenceConv, relClose, useCpu } from './helpers/tf.js';

beforeAll(useCpu);

/** MorphNet's table, from the issue: [name, peak GFLOP/s, bandwidth GB/s]. */
const TABLE = [
  ['K80', 8740, 480],
  ['P4', 5500, 192],
  ['T4', 8100, 300],
  ['P100', 9300, 732],
  ['V100', 125000, 900],
  ['TPUv2', 22500, 300],
] as const;

/** Seconds → ms of `flops` at `peak` GFLOP/s. */
const computeMs = (flops: number, peakGflops: number): number => (flops / (peakGflops * 1e9)) * 1e3;
/** Seconds → ms of `bytes` at `bw` GB/s. */
const memoryMs = (bytes: number, bandwidthGBps: number): number => (bytes / (bandwidthGBps * 1e9)) * 1e3;

describe('hardware table', () => {
  test.each(TABLE)('%s: %d GFLOP/s, %d GB/s', (name, peak, bw) => {
    expect(HARDWARE[name]).toEqual({ peakGflops: peak, bandwidthGBps: bw });
  });

  test('has exactly MorphNet\'s six devices', () => {
    expect(Object.keys(HARDWARE).sort()).toEqual(TABLE.map(([n]) => n).sort());
  });
});

describe('roofline of the reference conv (6x7 output, 7x5 kernel, input 11x13)', () => {
  const cases = TABLE.flatMap(([name, peak, bw]) =>
    [1, 32].flatMap((b) => [[17, 19], [5, 10], [1, 1]].map(([aIn, aOut]) => ({ name, peak, bw, b, aIn: aIn!, aOut: aOut! }))),
  );

  test.each(cases)('$name b=$b A_in=$aIn A_out=$aOut', ({ name, peak, bw, b, aIn, aOut }) => {
    const { conv } = referenceConv('same');
    const flops = 2 * b * 6 * 7 * 35 * aIn * aOut;
    const bytes = 4 * (b * 143 * aIn + 35 * aIn * aOut + b * 42 * aOut);
    const expected = Math.max(computeMs(flops, peak), memoryMs(bytes, bw));
    const target = rooflineTarget(name, b);
    expect(target.unit).toBe('ms');
    expect(target.name).toBe(`roofline:${name}`);
    const got = target.forOp(conv).value({ in: [aIn], out: aOut });
    expect(relClose(got, expected, 1e-12), `${got} vs ${expected}`).toBe(true);
  });

  // At b=32, A_in=17, A_out=19: FLOPs 2·32·42·35·323 = 30,387,840; bytes 4·(32·143·17 + 35·323 + 32·42·19) = 458,532;
  // 66.3 FLOPs per byte: compute-bound on K80 (ridge 18.2), memory-bound on V100 (ridge 138.9).
  test('in a compute-bound regime (K80, b=32) the gradient is ∂FLOPs/peak', () => {
    const { conv } = referenceConv('same');
    const alive = { in: [17], out: 19 };
    const flops = 2 * 32 * 42 * 35 * 17 * 19;
    const bytes = 4 * (32 * 143 * 17 + 35 * 17 * 19 + 32 * 42 * 19);
    expect(computeMs(flops, 8740)).toBeGreaterThan(memoryMs(bytes, 480) * 1.5);
    const g = rooflineTarget('K80', 32).forOp(conv).gradient(alive);
    expect(relClose(g.in[0] ?? NaN, computeMs(2 * 32 * 42 * 35 * 19, 8740), 1e-9)).toBe(true);
    expect(relClose(g.out, computeMs(2 * 32 * 42 * 35 * 17, 8740), 1e-9)).toBe(true);
  });

  test('in a memory-bound regime (V100, b=32) the gradient is ∂bytes/bandwidth', () => {
    const { conv } = referenceConv('same');
    const alive = { in: [17], out: 19 };
    const g = rooflineTarget('V100', 32).forOp(conv).gradient(alive);
    expect(relClose(g.in[0] ?? NaN, memoryMs(4 * (32 * 143 + 35 * 19), 900), 1e-9)).toBe(true);
    expect(relClose(g.out, memoryMs(4 * (35 * 17 + 32 * 42), 900), 1e-9)).toBe(true);
  });
});

describe('network roofline is the per-op max summed over ops', () => {
  test.each(TABLE.flatMap(([name, peak, bw]) => ['plain-cnn', 'inception-mini'].map((model) => ({ name, peak, bw, model }))))(
    '$model on $name',
    ({ name, peak, bw, model }) => {
      const graph = buildGraph(zooEntry(model).build());
      const flops = networkCost(graph, flopsTarget(1));
      const bytes = networkCost(graph, memoryTarget(1));
      const roofline = networkCost(graph, analyticTargetNamed(`roofline:${name}`));
      expect(roofline.unit).toBe('ms');
      expect(roofline.layers.map((l) => l.name)).toEqual(flops.layers.map((l) => l.name));
      roofline.layers.forEach((l, i) => {
        const expected = Math.max(computeMs(flops.layers[i]!.cost, peak), memoryMs(bytes.layers[i]!.cost, bw));
        expect(relClose(l.cost, expected, 1e-12), `${l.name}: ${l.cost} vs ${expected}`).toBe(true);
      });
      const sum = roofline.layers.reduce((s, l) => s + l.cost, 0);
      expect(relClose(roofline.total, sum, 1e-12)).toBe(true);
    },
  );

  test('on K80 plain-cnn has both compute- and memory-bound ops, so the sum beats the max of the totals', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const flops = networkCost(graph, flopsTarget(1)).total;
    const bytes = networkCost(graph, memoryTarget(1)).total;
    const roofline = networkCost(graph, rooflineTarget('K80')).total;
    expect(roofline).toBeGreaterThan(Math.max(computeMs(flops, 8740), memoryMs(bytes, 480)) * 1.01);
    expect(roofline).toBeLessThanOrEqual(computeMs(flops, 8740) + memoryMs(bytes, 480));
  });

  test('batch 32 is priced at batch 32', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const flops = networkCost(graph, flopsTarget(32));
    const bytes = networkCost(graph, memoryTarget(32));
    const roofline = networkCost(graph, rooflineTarget('T4', 32));
    const expected = flops.layers.reduce((s, l, i) => s + Math.max(computeMs(l.cost, 8100), memoryMs(bytes.layers[i]!.cost, 300)), 0);
    expect(relClose(roofline.total, expected, 1e-12)).toBe(true);
  });
});

describe('naming hardware', () => {
  test.each(['roofline:H100', 'roofline:A100', 'roofline:'])('%s is a UsageError naming the choices', (spec) => {
    let error: unknown;
    try {
      analyticTargetNamed(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    for (const [name] of TABLE) expect(message).toContain(name);
  });

  test('rooflineTarget with unknown hardware names it', () => {
    expect(() => rooflineTarget('H100')).toThrow(UsageError);
    expect(() => rooflineTarget('H100')).toThrow(/H100/);
  });
});
