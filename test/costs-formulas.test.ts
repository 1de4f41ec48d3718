/**
 * MorphNet's analytic cost formulas (FLOPs, model size, memory bytes, fp32) per op, as functions of the
 * alive input/output channels and the batch, checked on real tfjs-layers models read by buildGraph.
 * Expected values are written out from the formulas by hand.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, memoryTarget, networkCost, sizeTarget } from '../src/costs/index.js';
import { buildGraph } from '../src/graph/index.js';
import type { OpGraph } from '../src/graph/index.js';
import { op, referenceConv, useCpu } from './helpers/tf.js';

beforeAll(useCpu);

const BATCHES = [1, 32] as const;
const ALIVE: readonly (readonly [number, number])[] = [
  [17, 19],
  [1, 1],
  [5, 10],
  [17, 3],
  [9, 0],
];
const cases = BATCHES.flatMap((b) => ALIVE.map(([aIn, aOut]) => ({ b, aIn, aOut })));

describe('reference conv (19 filters, 7x5, stride 2, SAME, input [b,11,13,17] → 6x7)', () => {
  test('the graph reads the conv geometry from the model', () => {
    const { conv } = referenceConv('same');
    expect(conv.kind).toBe('conv2d');
    expect(conv.inputShapes).toEqual([[11, 13, 17]]);
    expect(conv.outputShape).toEqual([6, 7, 19]);
    expect(conv.kernel).toEqual([7, 5]);
    expect(conv.strides).toEqual([2, 2]);
    expect(conv.padding).toBe('same');
  });

  test.each(cases)('b=$b A_in=$aIn A_out=$aOut: FLOPs, size, memory', ({ b, aIn, aOut }) => {
    const { conv } = referenceConv('same');
    const alive = { in: [aIn], out: aOut };
    expect(flopsTarget(b).forOp(conv).value(alive)).toBe(2 * b * 6 * 7 * 35 * aIn * aOut);
    expect(sizeTarget().forOp(conv).value(alive)).toBe(35 * aIn * aOut);
    expect(memoryTarget(b).forOp(conv).value(alive)).toBe((b * 143 * aIn + 35 * aIn * aOut + b * 42 * aOut) * 4);
  });

  test.each(cases)('b=$b A_in=$aIn A_out=$aOut: gradients are the analytic partial derivatives', ({ b, aIn, aOut }) => {
    const { conv } = referenceConv('same');
    const alive = { in: [aIn], out: aOut };
    // FLOPs = 2·b·42·35·A_in·A_out
    expect(flopsTarget(b).forOp(conv).gradient(alive)).toEqual({ in: [2 * b * 42 * 35 * aOut], out: 2 * b * 42 * 35 * aIn });
    // size = 35·A_in·A_out
    expect(sizeTarget().forOp(conv).gradient(alive)).toEqual({ in: [35 * aOut], out: 35 * aIn });
    // memory = 4·(143·b·A_in + 35·A_in·A_out + 42·b·A_out)
    expect(memoryTarget(b).forOp(conv).gradient(alive)).toEqual({ in: [4 * (143 * b + 35 * aOut)], out: 4 * (35 * aIn + 42 * b) });
  });

  test.each(BATCHES.flatMap((b) => [3, 11, 19].map((aOut) => ({ b, aOut }))))(
    'networkCost with structure {conv: $aOut} at b=$b prices the conv at A_in=17',
    ({ b, aOut }) => {
      const { graph } = referenceConv('same');
      const flops = networkCost(graph, flopsTarget(b), { conv: aOut });
      const row = flops.layers.find((l) => l.name === 'conv');
      expect(row).toMatchObject({ aliveIn: 17, aliveOut: aOut, cost: 2 * b * 6 * 7 * 35 * 17 * aOut });
      const memory = networkCost(graph, memoryTarget(b), { conv: aOut });
      expect(memory.layers.find((l) => l.name === 'conv')?.cost).toBe((b * 143 * 17 + 35 * 17 * aOut + b * 42 * aOut) * 4);
    },
  );
});

describe('conv with VALID padding takes H_out, W_out from its own output shape', () => {
  // floor((11 - 7) / 2) + 1 = 3, floor((13 - 5) / 2) + 1 = 5
  test.each(cases)('b=$b A_in=$aIn A_out=$aOut', ({ b, aIn, aOut }) => {
    const { conv } = referenceConv('valid');
    expect(conv.outputShape).toEqual([3, 5, 19]);
    const alive = { in: [aIn], out: aOut };
    expect(flopsTarget(b).forOp(conv).value(alive)).toBe(2 * b * 15 * 35 * aIn * aOut);
    expect(memoryTarget(b).forOp(conv).value(alive)).toBe(4 * (b * 143 * aIn + 35 * aIn * aOut + b * 15 * aOut));
  });
});

function depthwiseGraph(depthMultiplier: number): OpGraph {
  // [9, 9, 6] → 3x3 depthwise, stride 2, SAME → [5, 5, 6·m]
  const input = tfl.input({ shape: [9, 9, 6], name: 'x' });
  const y = tfl.layers
    .depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier, useBias: false, name: 'dw' })
    .apply(input) as tfl.SymbolicTensor;
  return buildGraph(tfl.model({ inputs: input, outputs: y }));
}

describe('depthwise conv: FLOPs 2·b·H_out·W_out·kh·kw·A_out, weights kh·kw·A_out', () => {
  test.each([1, 2])('depthMultiplier %i: op geometry and weights match the layer kernel', (m) => {
    const graph = depthwiseGraph(m);
    const dw = op(graph, 'dw');
    expect(dw.depthMultiplier).toBe(m);
    expect(dw.outputShape).toEqual([5, 5, 6 * m]);
    // all alive: kh·kw·A_out = 3·3·6·m = the size of the tfjs depthwise kernel [3, 3, 6, m]
    expect(sizeTarget().forOp(dw).value({ in: [6], out: 6 * m })).toBe(3 * 3 * 6 * m);
  });

  test.each(BATCHES.flatMap((b) => [1, 2].flatMap((m) => [1, 4, 6].map((aIn) => ({ b, m, aIn })))))(
    'b=$b m=$m A_in=$aIn',
    ({ b, m, aIn }) => {
      const dw = op(depthwiseGraph(m), 'dw');
      const aOut = aIn * m;
      const alive = { in: [aIn], out: aOut };
      expect(flopsTarget(b).forOp(dw).value(alive)).toBe(2 * b * 25 * 9 * aOut);
      expect(sizeTarget().forOp(dw).value(alive)).toBe(9 * aOut);
      expect(memoryTarget(b).forOp(dw).value(alive)).toBe(4 * (b * 81 * aIn + 9 * aOut + b * 25 * aOut));
      expect(flopsTarget(b).forOp(dw).gradient(alive)).toEqual({ in: [0], out: 2 * b * 25 * 9 });
      expect(memoryTarget(b).forOp(dw).gradient(alive)).toEqual({ in: [4 * b * 81], out: 4 * (9 + b * 25) });
    },
  );

  test('propagated alive counts follow the multiplier', () => {
    const graph = depthwiseGraph(2);
    const report = networkCost(graph, flopsTarget(1));
    expect(report.layers.find((l) => l.name === 'dw')).toMatchObject({ aliveIn: 6, aliveOut: 12, cost: 2 * 25 * 9 * 12 });
  });
});

describe('dense: FLOPs 2·b·A_in·A_out, weights A_in·A_out', () => {
  function denseGraph(): OpGraph {
    const input = tfl.input({ shape: [20], name: 'x' });
    const y = tfl.layers.dense({ units: 7, name: 'fc' }).apply(input) as tfl.SymbolicTensor;
    return buildGraph(tfl.model({ inputs: input, outputs: y }));
  }

  test.each(BATCHES.flatMap((b) => [[20, 7], [3, 5], [1, 1], [20, 0]].map(([aIn, aOut]) => ({ b, aIn: aIn!, aOut: aOut! }))))(
    'b=$b A_in=$aIn A_out=$aOut',
    ({ b, aIn, aOut }) => {
      const fc = op(denseGraph(), 'fc');
      const alive = { in: [aIn], out: aOut };
      expect(flopsTarget(b).forOp(fc).value(alive)).toBe(2 * b * aIn * aOut);
      expect(sizeTarget().forOp(fc).value(alive)).toBe(aIn * aOut);
      expect(memoryTarget(b).forOp(fc).value(alive)).toBe(4 * (b * aIn + aIn * aOut + b * aOut));
      expect(flopsTarget(b).forOp(fc).gradient(alive)).toEqual({ in: [2 * b * aOut], out: 2 * b * aIn });
      expect(memoryTarget(b).forOp(fc).gradient(alive)).toEqual({ in: [4 * (b + aOut)], out: 4 * (aIn + b) });
    },
  );
});

describe('memory of ops that only move activations counts every activation input and the output', () => {
  // Two [4, 4, ·] branches from a [4, 4, 3] input: a 1x1 conv to 6 (a), a 1x1 conv to 6 (b) and to 5 (c).
  function branchGraph(): OpGraph {
    const input = tfl.input({ shape: [4, 4, 3], name: 'x' });
    const a = tfl.layers.conv2d({ filters: 6, kernelSize: 1, name: 'a' }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.conv2d({ filters: 6, kernelSize: 1, name: 'b' }).apply(input) as tfl.SymbolicTensor;
    const c = tfl.layers.conv2d({ filters: 5, kernelSize: 1, name: 'c' }).apply(input) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor;
    const bn = tfl.layers.batchNormalization({ name: 'bn' }).apply(sum) as tfl.SymbolicTensor;
    const cat = tfl.layers.concatenate({ name: 'cat' }).apply([bn, c]) as tfl.SymbolicTensor;
    return buildGraph(tfl.model({ inputs: input, outputs: cat }));
  }

  test.each(BATCHES.flatMap((b) => [[6, 6], [2, 5], [0, 3]].map(([x, y]) => ({ b, x: x!, y: y! }))))(
    'Add of alive $x and $y at b=$b',
    ({ b, x, y }) => {
      const sum = op(branchGraph(), 'sum');
      const out = Math.max(x, y);
      expect(memoryTarget(b).forOp(sum).value({ in: [x, y], out })).toBe(4 * b * (16 * x + 16 * y + 16 * out));
      expect(sizeTarget().forOp(sum).value({ in: [x, y], out })).toBe(0);
    },
  );

  test.each(BATCHES.flatMap((b) => [[6, 5], [2, 1], [0, 3]].map(([x, y]) => ({ b, x: x!, y: y! }))))(
    'Concatenate of alive $x and $y at b=$b',
    ({ b, x, y }) => {
      const cat = op(branchGraph(), 'cat');
      expect(memoryTarget(b).forOp(cat).value({ in: [x, y], out: x + y })).toBe(4 * b * 16 * (x + y + (x + y)));
      expect(sizeTarget().forOp(cat).value({ in: [x, y], out: x + y })).toBe(0);
    },
  );

  test.each(BATCHES.flatMap((b) => [6, 2, 0].map((a) => ({ b, a }))))('BatchNormalization at alive $a, b=$b: activations only', ({ b, a }) => {
    const bn = op(branchGraph(), 'bn');
    // input and output feature maps; gamma, beta, mean and variance are not counted
    expect(memoryTarget(b).forOp(bn).value({ in: [a], out: a })).toBe(4 * b * (16 * a + 16 * a));
    expect(sizeTarget().forOp(bn).value({ in: [a], out: a })).toBe(0);
  });

  test('network memory total is the sum of its layers, at b=1 and all alive', () => {
    const report = networkCost(branchGraph(), memoryTarget(1));
    const byName = Object.fromEntries(report.layers.map((l) => [l.name, l.cost]));
    // conv a: 4·(16·3 + 3·6 + 16·6); b the same; c: 4·(16·3 + 3·5 + 16·5)
    expect(byName['a']).toBe(4 * (48 + 18 + 96));
    expect(byName['c']).toBe(4 * (48 + 15 + 80));
    expect(byName['sum']).toBe(4 * 16 * (6 + 6 + 6));
    expect(byName['bn']).toBe(4 * 16 * (6 + 6));
    expect(byName['cat']).toBe(4 * 16 * (6 + 5 + 11));
    expect(report.total).toBe(report.layers.reduce((s, l) => s + l.cost, 0));
  });
});
