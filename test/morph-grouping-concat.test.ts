/**
 * Concatenate on inception-mini: each tower's channels keep their own group and land on their slice of
 * the concat's output (1x1: 0-15, 3x3: 16-39, 5x5: 40-47, pool projection: 48-55), so the concat's alive
 * channels are the towers' alive channels side by side.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { propagateAlive } from '../src/graph/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { DEAD, groupWith, oneEach, setGammas } from './helpers/morph-models.js';
import { useCpu } from './helpers/tf.js';

let reg: NetworkRegularizer;

// inc1_3x3: positions 0, 5 and 23 die; inc1_5x5: all die; the rest stay at their initial γ = 1.
const DEAD_3X3 = new Set([0, 5, 23]);
const GAMMA_3X3 = Array.from({ length: 24 }, (_, j) => (DEAD_3X3.has(j) ? DEAD : j % 2 === 0 ? 0.5 : -0.75));

beforeAll(async () => {
  await useCpu();
  const model = zooEntry('inception-mini').build();
  setGammas(model, 'inc1_3x3_bn', GAMMA_3X3);
  setGammas(model, 'inc1_5x5_bn', Array<number>(8).fill(DEAD));
  reg = new NetworkRegularizer(model, flopsTarget());
});

describe('inception-mini groups', () => {
  test.each([
    ['inc1_1x1', 0, 16],
    ['inc1_3x3', 16, 24],
    ['inc1_5x5', 40, 8],
    ['inc1_poolproj', 48, 8],
  ] as const)('tower %s owns concat channels %d.. (%d of them)', (tower, offset, width) => {
    const g = groupWith(reg.groups, tower);
    expect(g.width).toBe(width);
    expect(g.members.map((m) => m.op)).toEqual([tower, `${tower}_bn`, `${tower}_relu`, 'inc1_concat', 'pool2', 'inc2_pool']);
    expect(g.members.find((m) => m.op === 'inc1_concat')?.channels).toEqual(oneEach(width, offset));
    expect(g.members.find((m) => m.op === tower)?.channels).toEqual(oneEach(width));
    expect(g.sources).toEqual([{ kind: 'gamma-l1', layer: `${tower}_bn`, channels: oneEach(width) }]);
    const concatOut = reg.grouping.channels.get('inc1_concat')?.out.slice(offset, offset + width);
    expect(concatOut).toEqual(Array.from({ length: width }, (_, position) => ({ group: g.id, position })));
  });

  test('the reduce convs are groups of their own, and the pooling tower passes the stem\'s channels', () => {
    expect(groupWith(reg.groups, 'inc1_3x3reduce').members.map((m) => m.op)).toEqual(['inc1_3x3reduce', 'inc1_3x3reduce_bn', 'inc1_3x3reduce_relu']);
    expect(groupWith(reg.groups, 'stem').members.map((m) => m.op)).toEqual(['stem', 'stem_bn', 'stem_relu', 'pool1', 'inc1_pool']);
  });
});

describe('alive channels through the concat', () => {
  test('the 3x3 tower\'s regularization and alive vectors', () => {
    const state = reg.groupStates()[groupWith(reg.groups, 'inc1_3x3').id];
    expect(state?.regularization).toEqual(GAMMA_3X3.map(Math.abs));
    expect(state?.alive).toEqual(Array.from({ length: 24 }, (_, j) => !DEAD_3X3.has(j)));
  });

  test('the concat\'s alive mask is the towers\' masks side by side', () => {
    const expected = [
      ...Array<boolean>(16).fill(true),
      ...Array.from({ length: 24 }, (_, j) => !DEAD_3X3.has(j)),
      ...Array<boolean>(8).fill(false),
      ...Array<boolean>(8).fill(true),
    ];
    const masks = reg.aliveMasks();
    expect(masks.get('inc1_concat')).toEqual(expected);
    expect(masks.get('pool2')).toEqual(expected);
  });

  test('structure and the counts the next module reads', () => {
    const structure = reg.aliveStructure();
    expect(structure['inc1_3x3']).toBe(21);
    expect(structure['inc1_5x5']).toBe(0);
    expect(structure['inc1_1x1']).toBe(16);
    expect(structure['inc1_3x3reduce']).toBe(16);
    expect(structure['logits']).toBeUndefined();
    const alive = propagateAlive(reg.graph, structure);
    expect(alive.get('inc1_concat')).toEqual({ in: [16, 21, 0, 8], out: 45 });
    expect(alive.get('inc2_1x1')?.in).toEqual([45]);
    expect(reg.cost()).toBe(networkCost(reg.graph, flopsTarget(), structure).total);
  });
});
