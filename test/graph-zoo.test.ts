/**
 * buildGraph on each zoo model: one op per layer, kinds, shapes, Add and Concatenate wiring, strides
 * and depthwise multipliers as the zoo definitions (src/zoo/*.ts) build them.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildGraph, consumersOf } from '../src/graph/index.js';
import type { OpGraph, OpKind } from '../src/graph/index.js';
import { ZOO, zooEntry } from '../src/zoo/index.js';
import { op, useCpu } from './helpers/tf.js';

beforeAll(useCpu);

const KIND_OF_CLASS: Readonly<Record<string, OpKind>> = {
  InputLayer: 'input',
  Conv2D: 'conv2d',
  DepthwiseConv2D: 'depthwise',
  BatchNormalization: 'batchnorm',
  ReLU: 'activation',
  Add: 'add',
  Concatenate: 'concat',
  MaxPooling2D: 'pool',
  AveragePooling2D: 'pool',
  GlobalAveragePooling2D: 'global-pool',
  Flatten: 'flatten',
  Dense: 'dense',
};

/** Layer counts by kind, counted by hand from the zoo definitions. */
const KIND_COUNTS: Readonly<Record<string, Partial<Record<OpKind, number>>>> = {
  // input; 4 × conv-bn-relu; 2 max pools; flatten; logits
  'plain-cnn': { input: 1, conv2d: 4, batchnorm: 4, activation: 4, pool: 2, flatten: 1, dense: 1 },
  // stem + blocks with 2, 3 (projection), 2, 3 convs; a ReLU after stem, after each conv1 and each Add
  'resnet-mini': { input: 1, conv2d: 11, batchnorm: 11, activation: 9, add: 4, 'global-pool': 1, dense: 1 },
  // stem, 4 × (expand, project), head convs; 4 depthwise; relu6 after all but the projections; Add in b2, b4
  'mobilenet-mini': { input: 1, conv2d: 10, depthwise: 4, batchnorm: 14, activation: 10, add: 2, 'global-pool': 1, dense: 1 },
  // stem + 2 × 6 convs, each conv-bn-relu; pool1, pool2 and one average pool per module; 2 concats
  'inception-mini': { input: 1, conv2d: 13, batchnorm: 13, activation: 13, pool: 4, concat: 2, 'global-pool': 1, dense: 1 },
};

function graphOf(name: string): { model: tfl.LayersModel; graph: OpGraph } {
  const model = zooEntry(name).build();
  return { model, graph: buildGraph(model) };
}

function withoutBatch(shape: tfl.Shape | tfl.Shape[]): number[] {
  return (shape as (number | null)[]).slice(1) as number[];
}

const NAMES = ZOO.map((m) => m.name);

describe.each(NAMES)('%s', (name) => {
  test('one op per layer (the InputLayer included), named and classed as the layers', () => {
    const { model, graph } = graphOf(name);
    const expectedCount = Object.values(KIND_COUNTS[name] ?? {}).reduce((a, b) => a + b, 0);
    expect(graph.ops).toHaveLength(model.layers.length);
    expect(graph.ops).toHaveLength(expectedCount);
    expect(graph.ops.map((o) => o.name).sort()).toEqual(model.layers.map((l) => l.name).sort());
    for (const layer of model.layers) expect(op(graph, layer.name).className).toBe(layer.getClassName());
  });

  test('kinds follow the layer classes, in the counts the zoo builds', () => {
    const { graph } = graphOf(name);
    const counts: Partial<Record<OpKind, number>> = {};
    for (const o of graph.ops) {
      expect(o.kind, o.name).toBe(KIND_OF_CLASS[o.className]);
      counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    }
    expect(counts).toEqual(KIND_COUNTS[name]);
  });

  test('inputs and outputs, and topological order', () => {
    const { graph } = graphOf(name);
    expect(graph.inputs).toEqual(['input']);
    expect(graph.outputs).toEqual(['logits']);
    const position = new Map(graph.ops.map((o, i) => [o.name, i]));
    for (const [i, o] of graph.ops.entries()) {
      for (const input of o.inputs) expect(position.get(input), `${input} → ${o.name}`).toBeLessThan(i);
    }
    // every op but the output feeds something
    const consumers = consumersOf(graph);
    for (const o of graph.ops) if (o.name !== 'logits') expect(consumers.get(o.name)?.length, o.name).toBeGreaterThan(0);
  });

  test('shapes match tfjs: outputs, inputs as the producers\' outputs, channels as last dimensions', () => {
    const { model, graph } = graphOf(name);
    for (const layer of model.layers) {
      const o = op(graph, layer.name);
      expect(o.outputShape, o.name).toEqual(withoutBatch(layer.outputShape));
      expect(o.outChannels).toBe(o.outputShape[o.outputShape.length - 1]);
      expect(o.inputShapes.map((s) => [...s])).toEqual(o.inputs.map((i) => [...op(graph, i).outputShape]));
      if (o.kind !== 'input' && o.kind !== 'concat') expect(o.inChannels).toBe(o.inputShapes[0]?.[o.inputShapes[0].length - 1]);
    }
    expect(op(graph, 'input').outputShape).toEqual([28, 28, 1]);
    expect(op(graph, 'logits').outputShape).toEqual([10]);
  });

  test('Add ops join two inputs of equal shape; only conv and dense own channels', () => {
    const { graph } = graphOf(name);
    for (const o of graph.ops) {
      expect(o.ownsChannels, o.name).toBe(o.kind === 'conv2d' || o.kind === 'dense');
      if (o.kind !== 'add') continue;
      expect(o.inputs).toHaveLength(2);
      expect(o.inputShapes[0]).toEqual(o.inputShapes[1]);
      expect(o.outputShape).toEqual(o.inputShapes[0]);
    }
  });

  test('zoo convs have no bias; logits is a softmax Dense with bias', () => {
    const { graph } = graphOf(name);
    for (const o of graph.ops) if (o.kind === 'conv2d' || o.kind === 'depthwise') expect(o.useBias, o.name).toBe(false);
    expect(op(graph, 'logits')).toMatchObject({ kind: 'dense', useBias: true, activation: 'softmax' });
  });
});

describe('per-model geometry', () => {
  test('plain-cnn: two stride-2 max pools, Flatten of 7·7·64', () => {
    const { graph } = graphOf('plain-cnn');
    expect(op(graph, 'pool1')).toMatchObject({ kernel: [2, 2], strides: [2, 2], outputShape: [14, 14, 32] });
    expect(op(graph, 'pool2')).toMatchObject({ kernel: [2, 2], strides: [2, 2], outputShape: [7, 7, 64] });
    expect(op(graph, 'flatten').outputShape).toEqual([7 * 7 * 64]);
    for (const c of ['conv1', 'conv2', 'conv3', 'conv4']) expect(op(graph, c)).toMatchObject({ kernel: [3, 3], strides: [1, 1], padding: 'same' });
  });

  const STRIDE2 = ['s2b1_conv1', 's2b1_proj', 's3b1_conv1', 's3b1_proj'];
  test.each([
    ['s2b1_conv1', [3, 3], [14, 14, 32]],
    ['s2b1_proj', [1, 1], [14, 14, 32]],
    ['s3b1_conv1', [3, 3], [7, 7, 64]],
    ['s3b1_proj', [1, 1], [7, 7, 64]],
  ] as const)('resnet-mini: %s has stride 2, kernel %j, output %j', (name, kernel, shape) => {
    const { graph } = graphOf('resnet-mini');
    expect(op(graph, name)).toMatchObject({ strides: [2, 2], kernel, outputShape: shape });
  });

  test('resnet-mini: every other conv has stride 1; Adds join the expected branches', () => {
    const { graph } = graphOf('resnet-mini');
    for (const o of graph.ops) if (o.kind === 'conv2d' && !STRIDE2.includes(o.name)) expect(o.strides, o.name).toEqual([1, 1]);
    expect(op(graph, 's1b1_add').inputs).toEqual(['s1b1_conv2_bn', 'stem_relu']);
    expect(op(graph, 's2b1_add').inputs).toEqual(['s2b1_conv2_bn', 's2b1_proj_bn']);
    expect(op(graph, 's2b2_add').inputs).toEqual(['s2b2_conv2_bn', 's2b1_out']);
    expect(op(graph, 's3b1_add').inputs).toEqual(['s3b1_conv2_bn', 's3b1_proj_bn']);
    expect(op(graph, 'gap').outputShape).toEqual([64]);
  });

  test.each([
    ['b1_dw', 48, [2, 2], [14, 14, 48]],
    ['b2_dw', 72, [1, 1], [14, 14, 72]],
    ['b3_dw', 72, [2, 2], [7, 7, 72]],
    ['b4_dw', 120, [1, 1], [7, 7, 120]],
  ] as const)('mobilenet-mini: %s is a 3x3 depthwise over %i channels, multiplier 1, strides %j', (name, channels, strides, shape) => {
    const { graph } = graphOf('mobilenet-mini');
    expect(op(graph, name)).toMatchObject({
      kind: 'depthwise',
      depthMultiplier: 1,
      inChannels: channels,
      outChannels: channels,
      kernel: [3, 3],
      strides,
      outputShape: shape,
      ownsChannels: false,
    });
  });

  test('mobilenet-mini: residual Adds only where shape is kept, ReLU6 activations', () => {
    const { graph } = graphOf('mobilenet-mini');
    expect(graph.ops.filter((o) => o.kind === 'add').map((o) => o.name).sort()).toEqual(['b2_add', 'b4_add']);
    expect(op(graph, 'b2_add').inputs).toEqual(['b1_project_bn', 'b2_project_bn']);
    expect(op(graph, 'b4_add').inputs).toEqual(['b3_project_bn', 'b4_project_bn']);
    expect(op(graph, 'b1_expand_relu6').activation).toBe('relu6');
    expect(op(graph, 'head').outputShape).toEqual([7, 7, 128]);
  });

  test.each([
    ['inc1', [14, 14], [16, 24, 8, 8]],
    ['inc2', [7, 7], [32, 48, 16, 16]],
  ] as const)('inception-mini: %s_concat joins four towers and its channels are their sum', (module, hw, widths) => {
    const { graph } = graphOf('inception-mini');
    const cat = op(graph, `${module}_concat`);
    const total = widths.reduce((a, b) => a + b, 0);
    expect(cat.inputs).toEqual([`${module}_1x1_relu`, `${module}_3x3_relu`, `${module}_5x5_relu`, `${module}_poolproj_relu`]);
    expect(cat.inputShapes).toEqual(widths.map((w) => [...hw, w]));
    expect(cat.inChannels).toBe(total);
    expect(cat.outChannels).toBe(total);
    expect(cat.outputShape).toEqual([...hw, total]);
    expect(op(graph, `${module}_5x5`).kernel).toEqual([5, 5]);
    expect(op(graph, `${module}_pool`)).toMatchObject({ kind: 'pool', kernel: [3, 3], strides: [1, 1], padding: 'same' });
  });
});
