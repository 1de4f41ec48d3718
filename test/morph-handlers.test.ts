/**
 * Grouping handlers, each on a stub op with a recording context (no graph walk): which output channel
 * each one ties to which input channel, which sources it declares, and which ops it fixes. The table
 * from op kind to handler defaults to the UnsupportedHandler, which names the layer and its class.
 */
import { describe, expect, test } from 'vitest';
import { UnsupportedLayerError } from '../src/errors.js';
import type { OpKind, OpNode, Shape } from '../src/graph/index.js';
import {
  batchNormSourceHandler,
  channelOwnerHandler,
  concatHandler,
  depthwiseHandler,
  flattenHandler,
  groupingHandlerFor,
  modelInputHandler,
  passThroughHandler,
  reshapeHandler,
  residualGroupHandler,
  unsupportedHandler,
} from '../src/morph/index.js';
import type { FixedReason, GroupingHandler, SourceKind } from '../src/morph/index.js';

function stubOp(kind: OpKind, className: string, inputShapes: readonly Shape[], outputShape: Shape, depthMultiplier = 1): OpNode {
  const last = (s: Shape): number => s[s.length - 1] ?? 0;
  return {
    name: `the_${kind}`,
    className,
    kind,
    inputs: inputShapes.map((_, i) => `in${i}`),
    inputShapes,
    outputShape,
    inChannels: last(inputShapes[0] ?? []),
    outChannels: last(outputShape),
    kernel: [1, 1],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'same',
    depthMultiplier,
    useBias: false,
    activation: 'linear',
    ownsChannels: kind === 'conv2d' || kind === 'dense' || kind === 'separable',
  };
}

interface Recorded {
  ties: [number, number, number][];
  sources: SourceKind[];
  fixed: FixedReason[];
}

function run(handler: GroupingHandler, op: OpNode, config: Record<string, unknown> = {}): Recorded {
  const recorded: Recorded = { ties: [], sources: [], fixed: [] };
  handler.group(op, {
    config,
    tie: (out, input, channel) => recorded.ties.push([out, input, channel]),
    source: (kind) => recorded.sources.push(kind),
    fix: (reason) => recorded.fixed.push(reason),
  });
  return recorded;
}

/** [what, handler, op, config, expected ties [out, input, channel], sources, fixed] */
type Case = readonly [string, GroupingHandler, OpNode, Record<string, unknown>, [number, number, number][], SourceKind[], FixedReason[]];

const CASES: readonly Case[] = [
  ['relu passes 3 channels through', passThroughHandler, stubOp('activation', 'ReLU', [[2, 2, 3]], [2, 2, 3]), {}, [[0, 0, 0], [1, 0, 1], [2, 0, 2]], [], []],
  ['max pooling passes channels through', passThroughHandler, stubOp('pool', 'MaxPooling2D', [[4, 4, 2]], [2, 2, 2]), {}, [[0, 0, 0], [1, 0, 1]], [], []],
  ['global pooling passes channels through', passThroughHandler, stubOp('global-pool', 'GlobalAveragePooling2D', [[4, 4, 2]], [2]), {}, [[0, 0, 0], [1, 0, 1]], [], []],
  ['BN passes channels through and its gammas are a source', batchNormSourceHandler, stubOp('batchnorm', 'BatchNormalization', [[2, 2, 2]], [2, 2, 2]), {}, [[0, 0, 0], [1, 0, 1]], ['gamma-l1'], []],
  ['BN without scale has no gammas', batchNormSourceHandler, stubOp('batchnorm', 'BatchNormalization', [[2, 2, 2]], [2, 2, 2]), { scale: false }, [[0, 0, 0], [1, 0, 1]], [], []],
  ['Add ties channel c of every input to output c', residualGroupHandler, stubOp('add', 'Add', [[2, 2, 2], [2, 2, 2], [2, 2, 2]], [2, 2, 2]), {}, [[0, 0, 0], [1, 0, 1], [0, 1, 0], [1, 1, 1], [0, 2, 0], [1, 2, 1]], [], []],
  ['Concatenate maps inputs of 2 and 3 channels onto 0-1 and 2-4', concatHandler, stubOp('concat', 'Concatenate', [[2, 2, 2], [2, 2, 3]], [2, 2, 5]), {}, [[0, 0, 0], [1, 0, 1], [2, 1, 0], [3, 1, 1], [4, 1, 2]], [], []],
  ['depthwise multiplier 1 ties channel i to output i', depthwiseHandler, stubOp('depthwise', 'DepthwiseConv2D', [[4, 4, 3]], [4, 4, 3]), {}, [[0, 0, 0], [1, 0, 1], [2, 0, 2]], [], []],
  ['depthwise multiplier 2 ties channel i to outputs 2i, 2i+1', depthwiseHandler, stubOp('depthwise', 'DepthwiseConv2D', [[4, 4, 2]], [4, 4, 4], 2), {}, [[0, 0, 0], [1, 0, 0], [2, 0, 1], [3, 0, 1]], [], []],
  ['depthwise multiplier 3 on 1 channel', depthwiseHandler, stubOp('depthwise', 'DepthwiseConv2D', [[4, 4, 1]], [4, 4, 3], 3), {}, [[0, 0, 0], [1, 0, 0], [2, 0, 0]], [], []],
  ['Flatten of [2,1,3]: feature p·3+c is channel c', flattenHandler, stubOp('flatten', 'Flatten', [[2, 1, 3]], [6]), {}, [[0, 0, 0], [1, 0, 1], [2, 0, 2], [3, 0, 0], [4, 0, 1], [5, 0, 2]], [], []],
  ['Reshape keeping the channel axis passes channels', reshapeHandler, stubOp('reshape', 'Reshape', [[2, 2, 2]], [4, 2]), {}, [[0, 0, 0], [1, 0, 1]], [], []],
  ['Reshape to a vector flattens', reshapeHandler, stubOp('reshape', 'Reshape', [[2, 1, 2]], [4]), {}, [[0, 0, 0], [1, 0, 1], [2, 0, 0], [3, 0, 1]], [], []],
  ['Conv2D owns its channels: no ties, a Group-Lasso source', channelOwnerHandler, stubOp('conv2d', 'Conv2D', [[4, 4, 2]], [4, 4, 3]), {}, [], ['group-lasso'], []],
  ['Dense owns its channels', channelOwnerHandler, stubOp('dense', 'Dense', [[8]], [3]), {}, [], ['group-lasso'], []],
  ['the model input is fixed', modelInputHandler, stubOp('input', 'InputLayer', [], [4, 4, 2]), {}, [], [], ['model-input']],
];

describe('handlers tie channels and declare sources', () => {
  test.each(CASES)('%s', (_what, handler, op, config, ties, sources, fixed) => {
    expect(run(handler, op, config)).toEqual({ ties, sources, fixed });
  });
});

describe('the handler table', () => {
  const TABLE: readonly (readonly [OpKind, string])[] = [
    ['input', 'ModelInputHandler'],
    ['conv2d', 'ChannelOwnerHandler'],
    ['separable', 'ChannelOwnerHandler'],
    ['dense', 'ChannelOwnerHandler'],
    ['batchnorm', 'BatchNormSourceHandler'],
    ['activation', 'PassThroughHandler'],
    ['pool', 'PassThroughHandler'],
    ['global-pool', 'PassThroughHandler'],
    ['dropout', 'PassThroughHandler'],
    ['zeropad', 'PassThroughHandler'],
    ['add', 'ResidualGroupHandler'],
    ['concat', 'ConcatHandler'],
    ['depthwise', 'DepthwiseHandler'],
    ['flatten', 'FlattenHandler'],
    ['reshape', 'ReshapeHandler'],
  ];

  test.each(TABLE)('%s → %s', (kind, name) => {
    expect(groupingHandlerFor(kind).name).toBe(name);
  });

  test('a kind with no handler gets the UnsupportedHandler, which names the layer and its class', () => {
    const handler = groupingHandlerFor('lstm' as OpKind);
    expect(handler).toBe(unsupportedHandler);
    const op = { ...stubOp('activation', 'LSTM', [[4, 2]], [4, 2]), name: 'rnn', kind: 'lstm' as OpKind };
    let error: unknown;
    try {
      run(handler, op);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedLayerError);
    expect((error as UnsupportedLayerError).layer).toBe('rnn');
    expect((error as UnsupportedLayerError).className).toBe('LSTM');
    expect((error as Error).message).toMatch(/rnn.*LSTM/);
  });

  test('a Reshape that mixes channels raises UnsupportedLayerError naming it', () => {
    const op = { ...stubOp('reshape', 'Reshape', [[2, 2, 4]], [8, 2]), name: 'mix' };
    expect(() => run(reshapeHandler, op)).toThrow(UnsupportedLayerError);
    expect(() => run(reshapeHandler, op)).toThrow(/mix.*Reshape/);
  });
});
