/**
 * Models without BatchNormalization: Group-Lasso on each channel-owning layer's kernel, the L2 norm of
 * an output channel's kernel slice (the pointwise kernel of a SeparableConv2D), is the source.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { groupWith, oneEach, setWeight } from './helpers/morph-models.js';
import { useCpu } from './helpers/tf.js';

type T = tfl.SymbolicTensor;

/** input [6,6,2] → conv a (4, 3x3) → relu → separable sep (3, 3x3, multiplier 2) → relu → gap → logits (2). */
function noBnModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2], name: 'input' });
  const a = tfl.layers.reLU({ name: 'a_relu' }).apply(tfl.layers.conv2d({ name: 'a', filters: 4, kernelSize: 3, padding: 'same' }).apply(input)) as T;
  const sep = tfl.layers.separableConv2d({ name: 'sep', filters: 3, kernelSize: 3, depthMultiplier: 2, padding: 'same' }).apply(a) as T;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(tfl.layers.reLU({ name: 'sep_relu' }).apply(sep)) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 2 }).apply(pooled) as T });
}

let model: tfl.LayersModel;
let reg: NetworkRegularizer;

// a's kernel [3,3,2,4]: output channel o has 3·s_o at (0,0,0) and 4·s_o at (0,0,1): norm 5·s_o.
const S = [0.1, 0.001, 0, 0.2];
// sep's pointwise kernel [1,1,8,3]: output o has 3·t_o at input 0 and 4·t_o at input 1: norm 5·t_o.
const T_ = [0.2, 0.0001, 1];

beforeAll(async () => {
  await useCpu();
  model = noBnModel();
  const kernel = Array<number>(3 * 3 * 2 * 4).fill(0);
  S.forEach((s, o) => {
    kernel[o] = 3 * s;
    kernel[4 + o] = 4 * s;
  });
  setWeight(model, 'a', 'kernel', kernel);
  const pointwise = Array<number>(8 * 3).fill(0);
  T_.forEach((t, o) => {
    pointwise[o] = 3 * t;
    pointwise[3 + o] = 4 * t;
  });
  setWeight(model, 'sep', 'pointwise_kernel', pointwise);
  reg = new NetworkRegularizer(model, flopsTarget());
});

describe('Group-Lasso sources', () => {
  test('each owner regularizes its own group by its kernel', () => {
    expect(groupWith(reg.groups, 'a').sources).toEqual([{ kind: 'group-lasso', layer: 'a', channels: oneEach(4) }]);
    expect(groupWith(reg.groups, 'sep').sources).toEqual([{ kind: 'group-lasso', layer: 'sep', channels: oneEach(3) }]);
    expect(groupWith(reg.groups, 'a').members.map((m) => m.op)).toEqual(['a', 'a_relu']);
  });

  test('the values are the slices\' L2 norms; alive above 1e-2', () => {
    const states = reg.groupStates();
    const a = states[groupWith(reg.groups, 'a').id];
    [0.5, 0.005, 0, 1].forEach((norm, o) => expect(a?.regularization[o]).toBeCloseTo(norm, 5));
    expect(a?.alive).toEqual([true, false, false, true]);
    const sep = states[groupWith(reg.groups, 'sep').id];
    [1, 0.0005, 5].forEach((norm, o) => expect(sep?.regularization[o]).toBeCloseTo(norm, 5));
    expect(sep?.alive).toEqual([true, false, true]);
    expect(reg.aliveStructure()).toEqual({ a: 2, sep: 2 });
    expect(reg.cost()).toBe(networkCost(reg.graph, flopsTarget(), { a: 2, sep: 2 }).total);
  });

  test('the gradient in a kernel entry is the marginal cost × entry / norm', () => {
    // a: conv ∂/∂out = 2·36·9·2 = 1296; sep ∂/∂in = 2·36·(9·2 + 2·2) = 1584 → 2880
    // sep: ∂/∂out = 2·36·(2·2) = 288; logits ∂/∂in = 2·2 = 4 → 292
    const states = reg.groupStates();
    expect(states[groupWith(reg.groups, 'a').id]?.marginalCost).toEqual([2880, 2880, 2880, 2880]);
    expect(states[groupWith(reg.groups, 'sep').id]?.marginalCost).toEqual([292, 292, 292]);
    const kernel = model.getLayer('a').weights[0]?.read() as tf.Variable;
    const pointwise = model.getLayer('sep').weights.find((w) => w.originalName.endsWith('/pointwise_kernel'))?.read() as tf.Variable;
    const depthwise = model.getLayer('sep').weights.find((w) => w.originalName.endsWith('/depthwise_kernel'))?.read() as tf.Variable;
    const { value, grads } = tf.variableGrads(() => reg.term());
    const g = grads[kernel.name]?.dataSync() ?? new Float32Array();
    // 3s/5s = 0.6 and 4s/5s = 0.8 of the marginal cost; the zero slice gets 0 (no NaN)
    expect(Array.from(g.slice(0, 8)).map((x) => Number(x.toFixed(2)))).toEqual([1728, 1728, 0, 1728, 2304, 2304, 0, 2304]);
    expect(Array.from(g.slice(8)).every((x) => x === 0)).toBe(true);
    const p = grads[pointwise.name]?.dataSync() ?? new Float32Array();
    expect(Array.from(p.slice(0, 6)).map((x) => Number(x.toFixed(2)))).toEqual([175.2, 175.2, 175.2, 233.6, 233.6, 233.6]);
    expect(grads[depthwise.name]).toBeUndefined();
    tf.dispose([value, ...Object.values(grads)]);
  });
});
