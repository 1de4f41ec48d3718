/**
 * buildGraph on models written here: a functional model with two outputs and a Concatenate, a
 * Sequential model, a model using the less common layer classes, and layers morphlat cannot read.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, memoryTarget, networkCost, sizeTarget } from '../src/costs/index.js';
import { UnsupportedLayerError } from '../src/errors.js';
import { buildGraph, propagateAlive } from '../src/graph/index.js';
import { op, useCpu } from './helpers/tf.js';

beforeAll(useCpu);

type T = tfl.SymbolicTensor;

describe('functional model with two outputs and a Concatenate', () => {
  // x [8,8,3] → a: conv 3x3 → 4; b: conv 1x1 → 6; cat [a, b] → 10; head1: gap(cat) → dense 5; head2: conv 1x1 on a → 2
  function build(): tfl.LayersModel {
    const x = tfl.input({ shape: [8, 8, 3], name: 'x' });
    const a = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'a' }).apply(x) as T;
    const b = tfl.layers.conv2d({ filters: 6, kernelSize: 1, name: 'b' }).apply(x) as T;
    const cat = tfl.layers.concatenate({ name: 'cat' }).apply([a, b]) as T;
    const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(cat) as T;
    const head1 = tfl.layers.dense({ units: 5, name: 'head1' }).apply(gap) as T;
    const head2 = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'head2' }).apply(a) as T;
    return tfl.model({ inputs: x, outputs: [head1, head2] });
  }

  test('both outputs are reported, in the model\'s order', () => {
    const graph = buildGraph(build());
    expect(graph.inputs).toEqual(['x']);
    expect(graph.outputs).toEqual(['head1', 'head2']);
    expect(graph.ops.map((o) => o.name).sort()).toEqual(['a', 'b', 'cat', 'gap', 'head1', 'head2', 'x']);
    expect(op(graph, 'head1').outputShape).toEqual([5]);
    expect(op(graph, 'head2').outputShape).toEqual([8, 8, 2]);
    expect(op(graph, 'head2').inputs).toEqual(['a']);
  });

  test('concat channels are the sum of its inputs', () => {
    const graph = buildGraph(build());
    const cat = op(graph, 'cat');
    expect(cat).toMatchObject({ kind: 'concat', inputs: ['a', 'b'], inChannels: 10, outChannels: 10, outputShape: [8, 8, 10] });
    expect(cat.inputShapes).toEqual([
      [8, 8, 4],
      [8, 8, 6],
    ]);
  });

  test.each([
    [{}, 4, 6],
    [{ a: 1, b: 2 }, 1, 2],
    [{ b: 0 }, 4, 0],
  ])('alive %j flows through the concat to both heads', (structure, a, b) => {
    const graph = buildGraph(build());
    const alive = propagateAlive(graph, structure);
    expect(alive.get('cat')).toEqual({ in: [a, b], out: a + b });
    expect(alive.get('head1')).toEqual({ in: [a + b], out: 5 });
    expect(alive.get('head2')).toEqual({ in: [a], out: 2 });
    // FLOPs: a 2·64·9·3·a, b 2·64·3·b, head1 2·(a+b)·5, head2 2·64·a·2
    const report = networkCost(graph, flopsTarget(1), structure);
    expect(report.total).toBe(2 * 64 * 9 * 3 * a + 2 * 64 * 3 * b + 2 * (a + b) * 5 + 2 * 64 * a * 2);
  });
});

describe('Sequential model', () => {
  function build(): tfl.Sequential {
    return tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [10, 10, 3], filters: 4, kernelSize: 3, name: 'c1' }),
        tfl.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
        tfl.layers.flatten({ name: 'f' }),
        tfl.layers.dense({ units: 5, activation: 'relu', name: 'd' }),
      ],
    });
  }

  test('its implicit input becomes an op in front of the layers', () => {
    const model = build();
    const graph = buildGraph(model);
    expect(graph.ops).toHaveLength(model.layers.length + 1);
    const input = graph.ops[0];
    expect(input?.kind).toBe('input');
    expect(input?.outputShape).toEqual([10, 10, 3]);
    expect(graph.inputs).toEqual([input?.name]);
    expect(graph.ops.slice(1).map((o) => o.name)).toEqual(['c1', 'p1', 'f', 'd']);
    expect(graph.outputs).toEqual(['d']);
  });

  test('shapes and geometry', () => {
    const graph = buildGraph(build());
    expect(op(graph, 'c1')).toMatchObject({ kind: 'conv2d', kernel: [3, 3], padding: 'valid', outputShape: [8, 8, 4], inChannels: 3 });
    expect(op(graph, 'p1')).toMatchObject({ kind: 'pool', kernel: [2, 2], strides: [2, 2], outputShape: [4, 4, 4] });
    expect(op(graph, 'f')).toMatchObject({ kind: 'flatten', outputShape: [64] });
    expect(op(graph, 'd')).toMatchObject({ kind: 'dense', inChannels: 64, outChannels: 5, activation: 'relu' });
  });
});

describe('less common layer classes', () => {
  // x [16,16,3] → ZeroPadding2D(1) [18,18,3] → SeparableConv2D(8, 3x3, stride 2, depthMultiplier m) [8,8,8]
  // → Activation(tanh) → AveragePooling2D(2) [4,4,8] → Dropout → { GlobalMaxPooling2D [8], Reshape [16,8] }
  function build(depthMultiplier: number): tfl.LayersModel {
    const x = tfl.input({ shape: [16, 16, 3], name: 'x' });
    let y = tfl.layers.zeroPadding2d({ padding: 1, name: 'pad' }).apply(x) as T;
    y = tfl.layers.separableConv2d({ filters: 8, kernelSize: 3, strides: 2, depthMultiplier, useBias: false, name: 'sep' }).apply(y) as T;
    y = tfl.layers.activation({ activation: 'tanh', name: 'act' }).apply(y) as T;
    y = tfl.layers.averagePooling2d({ poolSize: 2, name: 'avg' }).apply(y) as T;
    y = tfl.layers.dropout({ rate: 0.5, name: 'drop' }).apply(y) as T;
    const gmp = tfl.layers.globalMaxPooling2d({ name: 'gmp' }).apply(y) as T;
    const rs = tfl.layers.reshape({ targetShape: [16, 8], name: 'rs' }).apply(y) as T;
    return tfl.model({ inputs: x, outputs: [gmp, rs] });
  }

  test('each layer becomes an op of its kind with tfjs\'s shapes', () => {
    const model = build(1);
    const graph = buildGraph(model);
    expect(graph.ops).toHaveLength(model.layers.length);
    expect(graph.outputs).toEqual(['gmp', 'rs']);
    expect(op(graph, 'pad')).toMatchObject({ kind: 'zeropad', className: 'ZeroPadding2D', outputShape: [18, 18, 3] });
    expect(op(graph, 'sep')).toMatchObject({
      kind: 'separable',
      kernel: [3, 3],
      strides: [2, 2],
      padding: 'valid',
      inChannels: 3,
      outChannels: 8,
      outputShape: [8, 8, 8],
      ownsChannels: true,
    });
    expect(op(graph, 'act')).toMatchObject({ kind: 'activation', activation: 'tanh', outputShape: [8, 8, 8] });
    expect(op(graph, 'avg')).toMatchObject({ kind: 'pool', className: 'AveragePooling2D', kernel: [2, 2], strides: [2, 2], outputShape: [4, 4, 8] });
    expect(op(graph, 'drop')).toMatchObject({ kind: 'dropout', outputShape: [4, 4, 8] });
    expect(op(graph, 'gmp')).toMatchObject({ kind: 'global-pool', className: 'GlobalMaxPooling2D', outputShape: [8] });
    expect(op(graph, 'rs')).toMatchObject({ kind: 'reshape', inputs: ['drop'], outputShape: [16, 8] });
  });

  test.each([1, 3, 8])('alive %i at the separable conv flows through pooling, Dropout and Reshape', (n) => {
    const graph = buildGraph(build(1));
    const alive = propagateAlive(graph, { sep: n });
    for (const name of ['act', 'avg', 'drop', 'gmp', 'rs']) expect(alive.get(name)?.out, name).toBe(n);
    expect(alive.get('pad')?.out).toBe(3);
  });

  // The separable conv's depthwise kernel is [3, 3, 3, m] and its pointwise kernel [1, 1, 3m, 8].
  test.each([1, 2, 3])('SeparableConv2D with depthMultiplier %i: multiplier, size and FLOPs', (m) => {
    const model = build(m);
    const layer = model.getLayer('sep');
    const kernelWeights = layer.getWeights().reduce((s, w) => s + w.size, 0); // useBias false: kernels only
    expect(kernelWeights).toBe(3 * 3 * 3 * m + 3 * m * 8);
    const graph = buildGraph(model);
    const sep = op(graph, 'sep');
    expect(sep.depthMultiplier).toBe(m);
    const alive = { in: [3], out: 8 };
    expect(sizeTarget().forOp(sep).value(alive)).toBe(kernelWeights);
    // depthwise over 8·8 outputs: 2·64·9·3m; pointwise: 2·64·3m·8
    expect(flopsTarget(1).forOp(sep).value(alive)).toBe(2 * 64 * 9 * 3 * m + 2 * 64 * 3 * m * 8);
  });

  test('memory of the view-only and activation ops', () => {
    const graph = buildGraph(build(1));
    const report = networkCost(graph, memoryTarget(1));
    const cost = (name: string): number | undefined => report.layers.find((l) => l.name === name)?.cost;
    expect(cost('pad')).toBe(4 * (16 * 16 * 3 + 18 * 18 * 3));
    expect(cost('act')).toBe(4 * (64 * 8 + 64 * 8));
    expect(cost('avg')).toBe(4 * (64 * 8 + 16 * 8));
    expect(cost('gmp')).toBe(4 * (16 * 8 + 8));
  });
});

describe('layers morphlat cannot read', () => {
  const cases: readonly [string, string, () => tfl.layers.Layer][] = [
    ['Conv1D', 'my_conv1d', () => tfl.layers.conv1d({ filters: 2, kernelSize: 3, name: 'my_conv1d' })],
    // glorotUniform recurrent initializers: tfjs's default orthogonal one needs the chained-ops API
    ['LSTM', 'my_lstm', () => tfl.layers.lstm({ units: 2, recurrentInitializer: 'glorotUniform', name: 'my_lstm' })],
    ['SimpleRNN', 'my_rnn', () => tfl.layers.simpleRNN({ units: 2, recurrentInitializer: 'glorotUniform', name: 'my_rnn' })],
  ];

  test.each(cases)('%s raises UnsupportedLayerError naming the layer and its class', (className, name, make) => {
    const x = tfl.input({ shape: [10, 4] });
    const y = make().apply(x) as T;
    const model = tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 3 }).apply(y) as T });
    let error: unknown;
    try {
      buildGraph(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedLayerError);
    const e = error as UnsupportedLayerError;
    expect(e.code).toBe('E_UNSUPPORTED_LAYER');
    expect(e.layer).toBe(name);
    expect(e.className).toBe(className);
    expect(e.message).toContain(name);
    expect(e.message).toContain(className);
  });

  test('a layer applied twice (shared weights) is refused, naming it', () => {
    const x = tfl.input({ shape: [4, 4, 2] });
    const shared = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'twice' });
    const y = shared.apply(shared.apply(x)) as T;
    expect(() => buildGraph(tfl.model({ inputs: x, outputs: y }))).toThrow(UnsupportedLayerError);
    expect(() => buildGraph(tfl.model({ inputs: x, outputs: y }))).toThrow(/twice/);
  });
});
