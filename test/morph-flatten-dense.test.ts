/**
 * Flatten into Dense: conv c (3 channels on a 4x4 map) → c_bn → flatten (48 features, channel fastest)
 * → dense h (5, no BN: Group-Lasso) → logits. Feature p·3 + c of the flattened map is channel c, so the
 * dense layer's alive inputs are c's alive channels × 16 positions, and each channel of c is priced
 * for all its 16 positions.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { DEAD, flattenDenseModel, groupWith, oneEach, setGammas, setWeight } from './helpers/morph-models.js';
import { useCpu } from './helpers/tf.js';

let model: tfl.LayersModel;
let reg: NetworkRegularizer;

// h's kernel [48, 5]: column u has 3·a_u in row 0 and 4·a_u in row 1, so its L2 norm is 5·a_u.
const A = [0.1, 0, 0.001, 0.2, 1];
const H_NORMS = [0.5, 0, 0.005, 1, 5];

beforeAll(async () => {
  await useCpu();
  model = flattenDenseModel();
  setGammas(model, 'c_bn', [0.5, DEAD, -0.25]);
  const kernel = Array<number>(48 * 5).fill(0);
  A.forEach((a, u) => {
    kernel[u] = 3 * a;
    kernel[5 + u] = 4 * a;
  });
  setWeight(model, 'h', 'kernel', kernel);
  reg = new NetworkRegularizer(model, flopsTarget());
});

describe('grouping through Flatten', () => {
  test('channel c of the conv is flattened features c, c+3, …, c+45', () => {
    const g = groupWith(reg.groups, 'flatten');
    expect(g.members.map((m) => m.op)).toEqual(['c', 'c_bn', 'flatten']);
    expect(g.members.find((m) => m.op === 'flatten')?.channels).toEqual(
      [0, 1, 2].map((c) => Array.from({ length: 16 }, (_, p) => p * 3 + c)),
    );
    // the BN's gammas regularize the group; c's kernel does not
    expect(g.sources).toEqual([{ kind: 'gamma-l1', layer: 'c_bn', channels: oneEach(3) }]);
    expect(reg.grouping.channels.get('h')?.in[0]?.map((r) => r.position)).toEqual(Array.from({ length: 48 }, (_, f) => f % 3));
  });

  test('h has no BN: Group-Lasso on its kernel columns is the source', () => {
    const g = groupWith(reg.groups, 'h');
    expect(g.members.map((m) => m.op)).toEqual(['h']);
    expect(g.sources).toEqual([{ kind: 'group-lasso', layer: 'h', channels: oneEach(5) }]);
    const state = reg.groupStates()[g.id];
    state?.regularization.forEach((value, u) => expect(value).toBeCloseTo(H_NORMS[u] as number, 5));
    expect(state?.alive).toEqual([true, false, false, true, true]);
  });
});

describe('alive features and costs', () => {
  test('the flattened features follow c\'s alive channels at every position', () => {
    expect(reg.aliveMasks().get('flatten')).toEqual(Array.from({ length: 48 }, (_, f) => f % 3 !== 1));
    const structure = reg.aliveStructure();
    expect(structure).toEqual({ c: 2, h: 3 });
    const layers = networkCost(reg.graph, flopsTarget(), structure).layers;
    expect(layers.find((l) => l.name === 'h')).toMatchObject({ aliveIn: 32, aliveOut: 3 });
    expect(layers.find((l) => l.name === 'logits')).toMatchObject({ aliveIn: 3, aliveOut: 2 });
  });

  test('marginal costs: c pays for its conv output and 16 dense inputs; h for its output and a logits input', () => {
    // c: conv ∂/∂out = 2·16·9·2 = 576; h ∂/∂in = 2·3 per feature, 16 features → 96
    // h: ∂/∂out = 2·32 = 64; logits ∂/∂in = 2·2 = 4
    const states = reg.groupStates();
    expect(states[groupWith(reg.groups, 'c').id]?.marginalCost).toEqual([672, 672, 672]);
    expect(states[groupWith(reg.groups, 'h').id]?.marginalCost).toEqual([68, 68, 68, 68, 68]);
  });

  test('the term and its gradient on h\'s kernel', () => {
    const hKernel = model.getLayer('h').weights[0]?.read() as tf.Variable;
    const cKernel = model.getLayer('c').weights[0]?.read() as tf.Variable;
    const { value, grads } = tf.variableGrads(() => reg.term());
    const norms = H_NORMS.reduce((a, b) => a + b, 0);
    expect(value.dataSync()[0]).toBeCloseTo(672 * (0.5 + DEAD + 0.25) + 68 * norms, 2);
    const g = grads[hKernel.name]?.arraySync() as number[][];
    // ∂‖k_u‖/∂k[0][u] = 3a/5a = 0.6, times h's marginal cost 68; a zero column gets 0, not NaN
    expect(g[0]?.map((x) => Number(x.toFixed(3)))).toEqual([40.8, 0, 40.8, 40.8, 40.8]);
    expect(g[1]?.map((x) => Number(x.toFixed(3)))).toEqual([54.4, 0, 54.4, 54.4, 54.4]);
    expect(g[2]).toEqual([0, 0, 0, 0, 0]);
    expect(grads[cKernel.name]).toBeUndefined();
    tf.dispose([value, ...Object.values(grads)]);
  });
});
