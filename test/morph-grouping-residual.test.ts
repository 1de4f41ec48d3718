/**
 * Residual groups on resnet-mini: an Add ties the channels of all its inputs into one group, alive when
 * any source is above the threshold, regularized by the max over its sources; every owner in the group
 * gets the same alive count.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { propagateAlive } from '../src/graph/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { DEAD, groupWith, oneEach, setGammas } from './helpers/morph-models.js';
import { useCpu } from './helpers/tf.js';

let reg: NetworkRegularizer;

// Group A: stem and s1b1_conv2 (the s1b1 shortcut is stem's output). Position-wise max of |γ|:
const STEM_BN = [0.5, -0.25, DEAD, 0, 0.125, DEAD, -0.0078125, 1, 1, 1, 1, 1, 1, 1, 1, DEAD];
const S1B1_CONV2_BN = [DEAD, DEAD, DEAD, DEAD, 0.25, -0.5, DEAD, DEAD, 1, 1, 1, 1, 1, 1, 1, 0.0078125];
const A_REG = [0.5, 0.25, DEAD, DEAD, 0.25, 0.5, 0.0078125, 1, 1, 1, 1, 1, 1, 1, 1, 0.0078125];
const A_ALIVE = [true, true, false, false, true, true, false, true, true, true, true, true, true, true, true, false];

// Group B: s2b1_conv2, s2b1_proj and s2b2_conv2, each alive at a different position mod 4; j % 4 === 3 dies.
const at = (j: number, k: number, value: number): number => (j % 4 === k ? value : DEAD);
const B_REG = Array.from({ length: 32 }, (_, j) => [0.5, 0.25, 0.125, DEAD][j % 4] as number);

beforeAll(async () => {
  await useCpu();
  const model = zooEntry('resnet-mini').build();
  setGammas(model, 'stem_bn', STEM_BN);
  setGammas(model, 's1b1_conv2_bn', S1B1_CONV2_BN);
  setGammas(model, 's2b1_conv2_bn', Array.from({ length: 32 }, (_, j) => at(j, 0, 0.5)));
  setGammas(model, 's2b1_proj_bn', Array.from({ length: 32 }, (_, j) => at(j, 1, -0.25)));
  setGammas(model, 's2b2_conv2_bn', Array.from({ length: 32 }, (_, j) => at(j, 2, 0.125)));
  // s3b1_conv1 alone: channels 0..9 die
  setGammas(model, 's3b1_conv1_bn', Array.from({ length: 64 }, (_, j) => (j < 10 ? DEAD : 0.5)));
  reg = new NetworkRegularizer(model, flopsTarget());
});

describe('resnet-mini groups', () => {
  test('stem and s1b1_conv2 form one group through the Add, with both BNs as sources', () => {
    const g = groupWith(reg.groups, 'stem');
    expect(g.members.map((m) => m.op)).toEqual(['stem', 'stem_bn', 'stem_relu', 's1b1_conv2', 's1b1_conv2_bn', 's1b1_add', 's1b1_out']);
    for (const m of g.members) expect(m.channels).toEqual(oneEach(16));
    expect(g.sources).toEqual([
      { kind: 'gamma-l1', layer: 'stem_bn', channels: oneEach(16) },
      { kind: 'gamma-l1', layer: 's1b1_conv2_bn', channels: oneEach(16) },
    ]);
    expect(g.fixed).toBeNull();
    expect(g.width).toBe(16);
  });

  test('stage 2: both blocks and the projection are one group of three sources', () => {
    const g = groupWith(reg.groups, 's2b1_proj');
    expect(g.members.map((m) => m.op).sort()).toEqual(
      ['s2b1_conv2', 's2b1_conv2_bn', 's2b1_proj', 's2b1_proj_bn', 's2b1_add', 's2b1_out', 's2b2_conv2', 's2b2_conv2_bn', 's2b2_add', 's2b2_out'].sort(),
    );
    expect(g.sources.map((s) => s.layer).sort()).toEqual(['s2b1_conv2_bn', 's2b1_proj_bn', 's2b2_conv2_bn']);
  });

  test('a block\'s first conv is a group of its own (conv, BN, ReLU)', () => {
    const g = groupWith(reg.groups, 's1b1_conv1');
    expect(g.members.map((m) => m.op)).toEqual(['s1b1_conv1', 's1b1_conv1_bn', 's1b1_conv1_relu']);
    expect(g.sources.map((s) => s.layer)).toEqual(['s1b1_conv1_bn']);
  });

  test('each op\'s inputs point at the groups of their producers', () => {
    const a = groupWith(reg.groups, 'stem').id;
    const b = groupWith(reg.groups, 's2b1_proj').id;
    const s2b1conv1 = reg.grouping.channels.get('s2b1_conv1');
    expect(s2b1conv1?.in).toEqual([Array.from({ length: 16 }, (_, position) => ({ group: a, position }))]);
    expect(reg.grouping.channels.get('s3b1_proj')?.in[0]?.map((r) => r.group)).toEqual(Array<number>(32).fill(b));
    const add = reg.grouping.channels.get('s1b1_add');
    expect(add?.in.map((input) => input.map((r) => r.group))).toEqual([Array<number>(16).fill(a), Array<number>(16).fill(a)]);
  });
});

describe('alive and regularization vectors', () => {
  test('group A: the max of |γ| over both BNs, alive above 1e-2', () => {
    const state = reg.groupStates()[groupWith(reg.groups, 'stem').id];
    expect(state?.regularization).toEqual(A_REG);
    expect(state?.alive).toEqual(A_ALIVE);
  });

  test('group B: the max over three BNs', () => {
    const state = reg.groupStates()[groupWith(reg.groups, 's2b1_add').id];
    expect(state?.regularization).toEqual(B_REG);
    expect(state?.alive).toEqual(Array.from({ length: 32 }, (_, j) => j % 4 !== 3));
  });

  test('every op in a group shares the alive vector', () => {
    const masks = reg.aliveMasks();
    for (const op of ['stem', 'stem_bn', 'stem_relu', 's1b1_conv2', 's1b1_conv2_bn', 's1b1_add', 's1b1_out']) {
      expect(masks.get(op), op).toEqual(A_ALIVE);
    }
    expect(masks.get('s1b1_conv1')).toEqual(Array<boolean>(16).fill(true));
    expect(masks.get('s3b1_conv1_relu')).toEqual(Array.from({ length: 64 }, (_, j) => j >= 10));
  });

  test('the structure gives tied owners the same count', () => {
    expect(reg.aliveStructure()).toEqual({
      stem: 12,
      s1b1_conv1: 16,
      s1b1_conv2: 12,
      s2b1_conv1: 32,
      s2b1_conv2: 24,
      s2b1_proj: 24,
      s2b2_conv1: 32,
      s2b2_conv2: 24,
      s3b1_conv1: 54,
      s3b1_conv2: 64,
      s3b1_proj: 64,
    });
  });

  test('the counts flow to the readers of each group, and cost() prices that structure', () => {
    const structure = reg.aliveStructure();
    const alive = propagateAlive(reg.graph, structure);
    expect(alive.get('s2b1_conv1')).toEqual({ in: [12], out: 32 });
    expect(alive.get('s2b1_add')).toEqual({ in: [24, 24], out: 24 });
    expect(alive.get('s3b1_conv2')).toEqual({ in: [54], out: 64 });
    expect(reg.cost()).toBe(networkCost(reg.graph, flopsTarget(), structure).total);
    expect(reg.cost()).toBeLessThan(networkCost(reg.graph, flopsTarget()).total);
  });
});
