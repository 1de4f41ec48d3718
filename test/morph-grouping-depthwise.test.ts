/**
 * Depthwise convolutions tie their input and output channels: with multiplier 1 (mobilenet-mini) output
 * c is input c; with multiplier 2 input channel i lives on as outputs 2i and 2i+1, so the depthwise BN's
 * two gammas and the expansion BN's gamma all regularize one channel (their max).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { propagateAlive } from '../src/graph/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { DEAD, depthwiseMultiplier2Model, groupWith, oneEach, setGammas } from './helpers/morph-models.js';
import { useCpu } from './helpers/tf.js';

beforeAll(useCpu);

describe('mobilenet-mini (multiplier 1)', () => {
  let reg: NetworkRegularizer;
  // b1_expand_bn: 0-7 small; b1_dw_bn: 0-3 large, 4-11 small. Max: 0-3 → 0.25, 4-7 → DEAD, 8-11 → 0.5, 12- → 1.
  beforeAll(() => {
    const model = zooEntry('mobilenet-mini').build();
    setGammas(model, 'b1_expand_bn', Array.from({ length: 48 }, (_, j) => (j < 8 ? DEAD : 0.5)));
    setGammas(model, 'b1_dw_bn', Array.from({ length: 48 }, (_, j) => (j < 4 ? -0.25 : j < 12 ? DEAD : 1)));
    // the b2 residual group: b1_project and b2_project; position 0 dies, position 1 lives by b2 alone
    setGammas(model, 'b1_project_bn', Array.from({ length: 24 }, (_, j) => (j < 2 ? DEAD : 0.5)));
    setGammas(model, 'b2_project_bn', Array.from({ length: 24 }, (_, j) => (j === 0 ? DEAD : j === 1 ? 0.125 : 0.25)));
    reg = new NetworkRegularizer(model, flopsTarget());
  });

  test('the expansion, the depthwise conv and both BNs are one group', () => {
    const g = groupWith(reg.groups, 'b1_dw');
    expect(g.members.map((m) => m.op)).toEqual(['b1_expand', 'b1_expand_bn', 'b1_expand_relu6', 'b1_dw', 'b1_dw_bn', 'b1_dw_relu6']);
    expect(g.members.find((m) => m.op === 'b1_dw')?.channels).toEqual(oneEach(48));
    expect(g.sources.map((s) => s.layer)).toEqual(['b1_expand_bn', 'b1_dw_bn']);
  });

  test('regularization is the max over both BNs; alive counts follow', () => {
    const state = reg.groupStates()[groupWith(reg.groups, 'b1_dw').id];
    expect(state?.regularization).toEqual(Array.from({ length: 48 }, (_, j) => (j < 4 ? 0.25 : j < 8 ? DEAD : j < 12 ? 0.5 : 1)));
    expect(state?.alive).toEqual(Array.from({ length: 48 }, (_, j) => j < 4 || j >= 8));
    const residual = reg.groupStates()[groupWith(reg.groups, 'b2_add').id];
    expect(residual?.regularization).toEqual(Array.from({ length: 24 }, (_, j) => (j === 0 ? DEAD : j === 1 ? 0.125 : 0.5)));
    const structure = reg.aliveStructure();
    expect(structure['b1_expand']).toBe(44);
    expect(structure['b1_project']).toBe(23);
    expect(structure['b2_project']).toBe(23);
    const alive = propagateAlive(reg.graph, structure);
    expect(alive.get('b1_dw')).toEqual({ in: [44], out: 44 });
    expect(alive.get('b1_project')?.in).toEqual([44]);
    expect(alive.get('b3_expand')?.in).toEqual([23]);
    expect(reg.aliveMasks().get('b1_dw_relu6')).toEqual(state?.alive);
  });
});

describe('a depthwise conv with multiplier 2', () => {
  let reg: NetworkRegularizer;
  const GAMMA_A = [0.5, DEAD, DEAD, DEAD];
  const GAMMA_DW = [DEAD, DEAD, 0.25, DEAD, DEAD, DEAD, DEAD, -0.125];
  beforeAll(() => {
    const model = depthwiseMultiplier2Model();
    setGammas(model, 'a_bn', GAMMA_A);
    setGammas(model, 'dw_bn', GAMMA_DW);
    reg = new NetworkRegularizer(model, flopsTarget());
  });

  test('input channel i holds outputs 2i and 2i+1; both BNs are sources', () => {
    const g = groupWith(reg.groups, 'dw');
    expect(g.width).toBe(4);
    const pairs = [[0, 1], [2, 3], [4, 5], [6, 7]];
    expect(g.members).toEqual([
      { op: 'a', channels: oneEach(4) },
      { op: 'a_bn', channels: oneEach(4) },
      { op: 'a_relu', channels: oneEach(4) },
      { op: 'dw', channels: pairs },
      { op: 'dw_bn', channels: pairs },
      { op: 'dw_relu', channels: pairs },
    ]);
    expect(g.sources).toEqual([
      { kind: 'gamma-l1', layer: 'a_bn', channels: oneEach(4) },
      { kind: 'gamma-l1', layer: 'dw_bn', channels: pairs },
    ]);
    expect(reg.grouping.channels.get('dw')?.out.map((r) => r.position)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  test('each channel takes the max over a_bn and its two dw_bn gammas', () => {
    // position 0: a 0.5; 1: dw 0.25; 2: all small; 3: dw |−0.125|
    const state = reg.groupStates()[groupWith(reg.groups, 'dw').id];
    expect(state?.regularization).toEqual([0.5, 0.25, DEAD, 0.125]);
    expect(state?.alive).toEqual([true, true, false, true]);
    const masks = reg.aliveMasks();
    expect(masks.get('a')).toEqual([true, true, false, true]);
    expect(masks.get('dw_bn')).toEqual([true, true, true, true, false, false, true, true]);
  });

  test('the structure counts a\'s 3 channels, which become 6 after the depthwise', () => {
    const structure = reg.aliveStructure();
    expect(structure).toEqual({ a: 3, b: 5 });
    const alive = propagateAlive(reg.graph, structure);
    expect(alive.get('dw')).toEqual({ in: [3], out: 6 });
    expect(alive.get('b')?.in).toEqual([6]);
    expect(reg.cost()).toBe(networkCost(reg.graph, flopsTarget(), structure).total);
  });
});
