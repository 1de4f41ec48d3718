/**
 * A floor under each kept group's width (`minWidthRatio`): the regularizer spares each group's strongest
 * channels, that share of its width rounded up, and a learned structure is raised to it within the goal.
 * Removable groups (residual bodies) are not spared, and a removed group stays removed.
 */
import { describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { flopsTarget, sizeTarget } from '../src/costs/index.js';
import { UsageError } from '../src/errors.js';
import { buildGraph, fullStructure } from '../src/graph/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { minWidthOf, raiseToMinWidth, structureCost } from '../src/morph/structure/index.js';
import { groupCounts } from '../src/morph/structure/groups.js';
import { deviceWidths } from '../src/shrink/widths.js';
import { zooEntry } from '../src/zoo/index.js';
import { groupWith, setGammas } from './helpers/morph-models.js';

await initBackend('cpu');

describe('the regularizer spares the strongest channels of each kept group', () => {
  test('the top ceil(ratio × width) gammas weigh nothing, the rest what they weighed; bodies are not spared', () => {
    const model = zooEntry('resnet-mini').build();
    const gammas = Array.from({ length: 16 }, (_, i) => 0.1 + ((i * 7) % 16) / 10);
    setGammas(model, 'stem_bn', gammas);
    const plain = new NetworkRegularizer(model, flopsTarget());
    const floored = new NetworkRegularizer(model, flopsTarget(), { minWidthRatio: 0.2 });
    const stem = groupWith(floored.groups, 'stem');
    const before = plain.groupStates()[stem.id]!;
    const after = floored.groupStates()[stem.id]!;
    const strongest = after.regularization
      .map((v, j) => [v, j] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, Math.ceil(0.2 * stem.width))
      .map(([, j]) => j);
    expect(strongest.length).toBe(4);
    after.marginalCost.forEach((m, j) => {
      if (strongest.includes(j)) expect(m, `channel ${j}`).toBe(0);
      else expect(m, `channel ${j}`).toBe(before.marginalCost[j]);
    });
    expect(before.marginalCost.every((m) => m > 0)).toBe(true);
    const body = groupWith(floored.groups, 's1b1_conv1');
    expect(floored.groupStates()[body.id]!.marginalCost).toEqual(plain.groupStates()[body.id]!.marginalCost);
    const term = (r: NetworkRegularizer): number => r.term().dataSync()[0] ?? NaN;
    expect(term(floored)).toBeLessThan(term(plain));
  });

  test('a share outside [0, 1) is refused', () => {
    const model = zooEntry('plain-cnn').build();
    for (const bad of [-0.1, 1, Number.NaN]) expect(() => new NetworkRegularizer(model, flopsTarget(), { minWidthRatio: bad })).toThrow(UsageError);
  });
});

describe('a learned structure is raised to the minimum width', () => {
  const graph = buildGraph(zooEntry('resnet-mini').build());
  const size = sizeTarget();
  const full = fullStructure(graph);
  const starved = { ...full, s1b1_conv1: 0, s2b1_conv1: 1, s2b2_conv1: 2, s3b1_conv1: 2 };
  const sizeOf = (s: Record<string, number>): number => structureCost(graph, size, s);

  test('every kept group below the floor comes up to ceil(ratio × width); a removed one stays removed', () => {
    const { structure, raised } = raiseToMinWidth(graph, starved, size, 0.1);
    expect(structure).toEqual({ ...starved, s2b1_conv1: 4, s2b2_conv1: 4, s3b1_conv1: 7 });
    expect([...raised].sort()).toEqual(['s2b1_conv1', 's2b2_conv1', 's3b1_conv1']);
    for (const { group, count } of groupCounts(graph, structure)) if (count > 0) expect(count, group.owners.join('+')).toBeGreaterThanOrEqual(minWidthOf(group, 0.1));
  });

  test('within a goal, the cheapest raises first, and none that would pass it', () => {
    const ups = [sizeOf({ ...starved, s2b1_conv1: 4 }), sizeOf({ ...starved, s2b2_conv1: 4 }), sizeOf({ ...starved, s3b1_conv1: 7 })];
    const cheapest = Math.min(...ups);
    expect(ups.filter((c) => c === cheapest).length).toBe(1);
    const { structure, raised } = raiseToMinWidth(graph, starved, size, 0.1, cheapest);
    expect(raised.length).toBe(1);
    expect(sizeOf(structure)).toBe(cheapest);
    expect(raiseToMinWidth(graph, starved, size, 0.1, sizeOf(starved)).raised).toEqual([]);
  });

  test('a shrink run\'s widths raise the starved groups before filling', () => {
    const goal = sizeOf({ ...starved, s2b1_conv1: 4, s2b2_conv1: 4, s3b1_conv1: 7 }) * 1.2;
    const phases: string[] = [];
    const { structure, raised } = deviceWidths(graph, starved, { target: size, snap: false, minWidthRatio: 0.1, onPhase: (p) => phases.push(p) }, goal);
    expect(phases[0]).toBe('raising groups to their minimum width');
    expect(raised.length).toBe(3);
    expect(structure['s1b1_conv1']).toBe(0);
    expect(sizeOf(structure)).toBeLessThanOrEqual(goal);
    for (const { group, count } of groupCounts(graph, structure)) if (count > 0) expect(count).toBeGreaterThanOrEqual(minWidthOf(group, 0.1));
    expect(deviceWidths(graph, starved, { target: size, snap: false }, goal).raised).toEqual([]);
  });
});
