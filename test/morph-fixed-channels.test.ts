/**
 * Channels the regularizer never shrinks: the model input's (even behind a BN whose gammas are tiny) and
 * the logits' (any layer whose output is a model output, with whatever feeds it through pass-through
 * ops). Their regularization value is 0, they are always alive, and the logits are not in the structure.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget } from '../src/costs/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { DEAD, groupWith, setGammas, setWeight } from './helpers/morph-models.js';
import { useCpu } from './helpers/tf.js';

type T = tfl.SymbolicTensor;

/** input [6,6,3] → in_bn → conv a (4) → a_bn → a_relu → gap → dense logits (3) → softmax `probs` (the output). */
function inputBnModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 3], name: 'input' });
  const normed = tfl.layers.batchNormalization({ name: 'in_bn' }).apply(input) as T;
  const a = tfl.layers.conv2d({ name: 'a', filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(normed) as T;
  const r = tfl.layers.reLU({ name: 'a_relu' }).apply(tfl.layers.batchNormalization({ name: 'a_bn' }).apply(a)) as T;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(r) as T;
  const logits = tfl.layers.dense({ name: 'logits', units: 3 }).apply(pooled) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.activation({ name: 'probs', activation: 'softmax' }).apply(logits) as T });
}

function termValue(reg: NetworkRegularizer): number {
  const t = reg.term();
  const v = t.dataSync()[0] ?? NaN;
  t.dispose();
  return v;
}

beforeAll(useCpu);

describe('the logits are never shrunk', () => {
  test('plain-cnn: a zero logits kernel leaves every logit alive, unregularized and out of the structure', () => {
    const model = zooEntry('plain-cnn').build();
    setWeight(model, 'logits', 'kernel', Array<number>(3136 * 10).fill(0));
    const reg = new NetworkRegularizer(model, flopsTarget());
    const g = groupWith(reg.groups, 'logits');
    expect(g.fixed).toBe('model-output');
    expect(g.sources).toEqual([]);
    const state = reg.groupStates()[g.id];
    expect(state?.regularization).toEqual(Array<number>(10).fill(0));
    expect(state?.alive).toEqual(Array<boolean>(10).fill(true));
    expect(state?.marginalCost).toEqual(Array<number>(10).fill(0));
    expect(reg.aliveMasks().get('logits')).toEqual(Array<boolean>(10).fill(true));
    expect(reg.aliveStructure()).toEqual({ conv1: 32, conv2: 32, conv3: 64, conv4: 64 });
    reg.dispose();
  });

  test('a Dense followed by an output activation is the logits too', () => {
    const reg = new NetworkRegularizer(inputBnModel(), flopsTarget());
    const g = groupWith(reg.groups, 'logits');
    expect(g.members.map((m) => m.op)).toEqual(['logits', 'probs']);
    expect(g.fixed).toBe('model-output');
    expect(Object.keys(reg.aliveStructure())).toEqual(['a']);
    reg.dispose();
  });
});

describe('the model input is never regularized', () => {
  let model: tfl.LayersModel;
  let reg: NetworkRegularizer;

  beforeAll(() => {
    model = inputBnModel();
    setGammas(model, 'in_bn', [DEAD, DEAD, DEAD]);
    setGammas(model, 'a_bn', [0.5, DEAD, 0.25, 1]);
    reg = new NetworkRegularizer(model, flopsTarget());
  });

  test('a BN on the input is in the input\'s fixed group, and its gammas are no source', () => {
    const g = groupWith(reg.groups, 'in_bn');
    expect(g.members.map((m) => m.op)).toEqual(['input', 'in_bn']);
    expect(g.fixed).toBe('model-input');
    expect(g.sources).toEqual([]);
    const state = reg.groupStates()[g.id];
    expect(state?.regularization).toEqual([0, 0, 0]);
    expect(state?.alive).toEqual([true, true, true]);
    expect(reg.aliveMasks().get('in_bn')).toEqual([true, true, true]);
  });

  test('the conv reading the input is priced at all 3 input channels: 2·36·9·3 + the logits\' 2·3', () => {
    const state = reg.groupStates()[groupWith(reg.groups, 'a').id];
    expect(state?.alive).toEqual([true, false, true, true]);
    expect(state?.marginalCost).toEqual([1950, 1950, 1950, 1950]);
    expect(reg.aliveStructure()).toEqual({ a: 3 });
  });

  test('the term has no gradient in the input BN\'s gammas and ignores their values', () => {
    const inGamma = model.getLayer('in_bn').weights[0]?.read() as tf.Variable;
    const aGamma = model.getLayer('a_bn').weights[0]?.read() as tf.Variable;
    const { value, grads } = tf.variableGrads(() => reg.term());
    expect(grads[inGamma.name]).toBeUndefined();
    expect(Array.from(grads[aGamma.name]?.dataSync() ?? [])).toEqual([1950, 1950, 1950, 1950]);
    const before = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    setGammas(model, 'in_bn', [5, -7, 0]);
    expect(termValue(reg)).toBe(before);
    expect(before).toBe(1950 * (0.5 + DEAD + 0.25 + 1));
  });
});
