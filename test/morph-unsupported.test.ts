/**
 * A model the grouping cannot handle stops with an UnsupportedLayerError that names the layer and its
 * class (morph-net's most reported problem was an opaque crash in the graph walk instead).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget } from '../src/costs/index.js';
import { UnsupportedLayerError, UsageError } from '../src/errors.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { useCpu } from './helpers/tf.js';

type T = tfl.SymbolicTensor;

class Doubler extends tfl.layers.Layer {
  static className = 'Doubler';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, 2);
  }
}

function conv1dModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 3], name: 'input' });
  const y = tfl.layers.conv1d({ name: 'c1', filters: 4, kernelSize: 3 }).apply(input) as T;
  const flat = tfl.layers.flatten({ name: 'flatten' }).apply(y) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 2 }).apply(flat) as T });
}

function customLayerModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 2], name: 'input' });
  const y = tfl.layers.conv2d({ name: 'conv', filters: 3, kernelSize: 1 }).apply(input) as T;
  const doubled = new Doubler({ name: 'twice' }).apply(y) as T;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(doubled) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 2 }).apply(pooled) as T });
}

function channelMixingReshapeModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 2], name: 'input' });
  const y = tfl.layers.batchNormalization({ name: 'bn' }).apply(tfl.layers.conv2d({ name: 'conv', filters: 8, kernelSize: 1 }).apply(input)) as T;
  const mixed = tfl.layers.reshape({ name: 'mix', targetShape: [8, 16] }).apply(y) as T;
  const flat = tfl.layers.flatten({ name: 'flatten' }).apply(mixed) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 2 }).apply(flat) as T });
}

beforeAll(useCpu);

describe('unsupported layers', () => {
  test.each([
    ['a Conv1D', conv1dModel, 'c1', 'Conv1D'],
    ['a custom layer class', customLayerModel, 'twice', 'Doubler'],
    ['a Reshape that mixes channels', channelMixingReshapeModel, 'mix', 'Reshape'],
  ] as const)('%s raises UnsupportedLayerError naming layer and class', (_what, build, layer, className) => {
    let error: unknown;
    try {
      new NetworkRegularizer(build(), flopsTarget());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedLayerError);
    const e = error as UnsupportedLayerError;
    expect(e.code).toBe('E_UNSUPPORTED_LAYER');
    expect(e.layer).toBe(layer);
    expect(e.className).toBe(className);
    expect(e.message).toContain(layer);
    expect(e.message).toContain(className);
  });

  test('a Reshape that keeps the channel axis is grouped like a pass-through', () => {
    const input = tfl.input({ shape: [4, 4, 2], name: 'input' });
    const y = tfl.layers.batchNormalization({ name: 'bn' }).apply(tfl.layers.conv2d({ name: 'conv', filters: 8, kernelSize: 1 }).apply(input)) as T;
    const kept = tfl.layers.reshape({ name: 'rows', targetShape: [16, 8] }).apply(y) as T;
    const flat = tfl.layers.flatten({ name: 'flatten' }).apply(kept) as T;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 2 }).apply(flat) as T });
    const reg = new NetworkRegularizer(model, flopsTarget());
    const group = reg.groups.find((g) => g.members.some((m) => m.op === 'rows'));
    expect(group?.members.map((m) => m.op)).toEqual(['conv', 'bn', 'rows', 'flatten']);
    expect(reg.grouping.channels.get('rows')?.out.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    reg.dispose();
  });
});

describe('bad options', () => {
  test.each([
    [{ threshold: -1 }, 'threshold'],
    [{ threshold: Number.NaN }, 'threshold'],
    [{ refreshEvery: 0 }, 'refreshEvery'],
    [{ refreshEvery: 1.5 }, 'refreshEvery'],
  ] as const)('%o names `%s`', (options, name) => {
    const input = tfl.input({ shape: [2], name: 'input' });
    const dense = tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 2 }).apply(input) as T });
    expect(() => new NetworkRegularizer(dense, flopsTarget(), options)).toThrow(UsageError);
    expect(() => new NetworkRegularizer(dense, flopsTarget(), options)).toThrow(new RegExp(`\`${name}\``));
  });
});
