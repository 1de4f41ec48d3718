/**
 * Alive-count propagation from a structure `{ "<layer>": count }`: counts set on channel-owning layers
 * flow through BN, activations, pooling, Add (max), Concatenate (sum) and Flatten (× spatial); bad
 * structures raise StructureError naming the layer.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { StructureError } from '../src/errors.js';
import { buildGraph, fullStructure, propagateAlive } from '../src/graph/index.js';
import type { OpGraph, Structure } from '../src/graph/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { useCpu } from './helpers/tf.js';

beforeAll(useCpu);

const graphs = new Map<string, OpGraph>();
function graphOf(name: string): OpGraph {
  let g = graphs.get(name);
  if (g === undefined) {
    g = buildGraph(zooEntry(name).build());
    graphs.set(name, g);
  }
  return g;
}

/** [model, structure, op, expected { in, out }] */
type Case = readonly [string, Structure, string, { in: number[]; out: number }];

const CASES: readonly Case[] = [
  // without a structure everything is alive
  ['plain-cnn', {}, 'conv2', { in: [32], out: 32 }],
  ['plain-cnn', {}, 'input', { in: [], out: 1 }],
  // through BN and ReLU to the next conv
  ['plain-cnn', { conv1: 10 }, 'conv1', { in: [1], out: 10 }],
  ['plain-cnn', { conv1: 10 }, 'conv1_bn', { in: [10], out: 10 }],
  ['plain-cnn', { conv1: 10 }, 'conv1_relu', { in: [10], out: 10 }],
  ['plain-cnn', { conv1: 10 }, 'conv2', { in: [10], out: 32 }],
  // through max pooling
  ['plain-cnn', { conv2: 7 }, 'pool1', { in: [7], out: 7 }],
  ['plain-cnn', { conv2: 7 }, 'conv3', { in: [7], out: 64 }],
  // Flatten multiplies by the 7·7 positions
  ['plain-cnn', { conv4: 10 }, 'pool2', { in: [10], out: 10 }],
  ['plain-cnn', { conv4: 10 }, 'flatten', { in: [10], out: 490 }],
  ['plain-cnn', { conv4: 10 }, 'logits', { in: [490], out: 10 }],
  ['plain-cnn', { conv4: 0 }, 'logits', { in: [0], out: 10 }],
  // Add takes the max of its inputs: stem feeds s1b1's shortcut
  ['resnet-mini', { stem: 8, s1b1_conv2: 4 }, 's1b1_add', { in: [4, 8], out: 8 }],
  ['resnet-mini', { stem: 8, s1b1_conv2: 12 }, 's1b1_add', { in: [12, 8], out: 12 }],
  ['resnet-mini', { stem: 8, s1b1_conv2: 12 }, 's1b1_out', { in: [12], out: 12 }],
  ['resnet-mini', { stem: 8, s1b1_conv2: 12 }, 's2b1_conv1', { in: [12], out: 32 }],
  ['resnet-mini', { stem: 8, s1b1_conv2: 12 }, 's2b1_proj', { in: [12], out: 32 }],
  ['resnet-mini', { stem: 8 }, 's1b1_conv1', { in: [8], out: 16 }],
  // global pooling passes channels to the logits
  ['resnet-mini', { s3b1_conv2: 30, s3b1_proj: 20 }, 's3b1_add', { in: [30, 20], out: 30 }],
  ['resnet-mini', { s3b1_conv2: 30, s3b1_proj: 20 }, 'gap', { in: [30], out: 30 }],
  ['resnet-mini', { s3b1_conv2: 30, s3b1_proj: 20 }, 'logits', { in: [30], out: 10 }],
  // depthwise follows its input (multiplier 1)
  ['mobilenet-mini', { b1_expand: 20 }, 'b1_dw', { in: [20], out: 20 }],
  ['mobilenet-mini', { b1_expand: 20 }, 'b1_project', { in: [20], out: 24 }],
  ['mobilenet-mini', { b1_project: 5, b2_project: 9 }, 'b2_add', { in: [5, 9], out: 9 }],
  ['mobilenet-mini', { b1_project: 5, b2_project: 9 }, 'b3_expand', { in: [9], out: 72 }],
  // Concatenate sums its towers (16 + 24 + 8 + 8 by default), through pool2 to the next module
  ['inception-mini', { inc1_1x1: 5, inc1_3x3: 7 }, 'inc1_concat', { in: [5, 7, 8, 8], out: 28 }],
  ['inception-mini', { inc1_1x1: 5, inc1_3x3: 7 }, 'pool2', { in: [28], out: 28 }],
  ['inception-mini', { inc1_1x1: 5, inc1_3x3: 7 }, 'inc2_3x3reduce', { in: [28], out: 24 }],
  ['inception-mini', { inc1_1x1: 5, inc1_3x3: 7 }, 'inc2_pool', { in: [28], out: 28 }],
  ['inception-mini', { stem: 3 }, 'inc1_pool', { in: [3], out: 3 }],
  ['inception-mini', { inc2_1x1: 1, inc2_3x3: 2, inc2_5x5: 3, inc2_poolproj: 4 }, 'gap', { in: [10], out: 10 }],
];

describe('propagateAlive', () => {
  test.each(CASES)('%s %j: %s', (model, structure, name, expected) => {
    const alive = propagateAlive(graphOf(model), structure);
    expect(alive.get(name)).toEqual(expected);
  });

  test.each(['plain-cnn', 'resnet-mini', 'mobilenet-mini', 'inception-mini'])(
    '%s: the full structure is every owning layer at its width and changes nothing',
    (model) => {
      const graph = graphOf(model);
      const full = fullStructure(graph);
      expect(Object.keys(full).sort()).toEqual(graph.ops.filter((o) => o.kind === 'conv2d' || o.kind === 'dense').map((o) => o.name).sort());
      for (const o of graph.ops) if (o.name in full) expect(full[o.name]).toBe(o.outChannels);
      const none = propagateAlive(graph);
      const all = propagateAlive(graph, full);
      for (const o of graph.ops) {
        expect(all.get(o.name)).toEqual(none.get(o.name));
        // all alive: every op's output count is its channel width
        expect(none.get(o.name)?.out, o.name).toBe(o.outChannels);
      }
    },
  );

  test('a count equal to the width is accepted, and 0 is accepted', () => {
    expect(propagateAlive(graphOf('resnet-mini'), { stem: 16 }).get('stem')?.out).toBe(16);
    expect(propagateAlive(graphOf('resnet-mini'), { stem: 0 }).get('stem_relu')?.out).toBe(0);
  });
});

describe('bad structures raise StructureError naming the layer', () => {
  const BAD: readonly (readonly [string, string, Structure, string])[] = [
    ['not in the model', 'resnet-mini', { no_such_layer: 3 }, 'no_such_layer'],
    ['above the width (16)', 'resnet-mini', { stem: 17 }, 'stem'],
    ['above the width (10 logits)', 'plain-cnn', { logits: 11 }, 'logits'],
    ['a BatchNormalization', 'resnet-mini', { stem_bn: 3 }, 'stem_bn'],
    ['an Add', 'resnet-mini', { s1b1_add: 3 }, 's1b1_add'],
    ['an activation', 'plain-cnn', { conv1_relu: 3 }, 'conv1_relu'],
    ['the input', 'plain-cnn', { input: 1 }, 'input'],
    ['a pooling layer', 'plain-cnn', { pool1: 3 }, 'pool1'],
    ['a depthwise conv', 'mobilenet-mini', { b1_dw: 3 }, 'b1_dw'],
    ['a Concatenate', 'inception-mini', { inc1_concat: 3 }, 'inc1_concat'],
    ['a negative count', 'resnet-mini', { stem: -1 }, 'stem'],
    ['a fractional count', 'resnet-mini', { stem: 2.5 }, 'stem'],
  ];

  test.each(BAD)('%s', (_what, model, structure, layer) => {
    let error: unknown;
    try {
      propagateAlive(graphOf(model), structure);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StructureError);
    expect((error as StructureError).code).toBe('E_STRUCTURE');
    expect((error as Error).message).toContain(layer);
  });

  test('the width appears in the "too large" message', () => {
    expect(() => propagateAlive(graphOf('resnet-mini'), { s3b1_conv1: 65 })).toThrow(/64/);
  });
});
