import { describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { sizeTarget } from '../src/costs/index.js';
import { buildGraph, fullStructure } from '../src/graph/index.js';
import { restoreRemovedGroups, scaleStructure, structureCost } from '../src/morph/structure/index.js';
import { deviceWidths } from '../src/shrink/widths.js';
import { reportMarkdown } from '../src/shrink/index.js';
import type { ShrinkReport } from '../src/shrink/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { alignedDevice } from './helpers/aligned-device.js';
import { cliffDevice } from './helpers/cliff-device.js';

await initBackend('cpu');
const graph = buildGraph(zooEntry('plain-cnn').build());
const device = alignedDevice();
const learned = { conv1: 13, conv2: 17, conv3: 40, conv4: 55 };
const cost = (s: Record<string, number>): number => structureCost(graph, device, s);

describe('from a learned structure to the device\'s widths', () => {
  test('a step down off an expensive width is kept, and what it saved widens the other groups up to the goal', () => {
    const goal = cost(learned);
    const phases: string[] = [];
    const { structure, fill, snaps } = deviceWidths(graph, learned, { target: device, onPhase: (p) => phases.push(p) }, goal);
    expect(snaps[0]).toEqual({ owners: ['conv2'], from: 17, to: 16 });
    expect(structure['conv2']).toBe(16);
    expect(cost(structure)).toBeLessThanOrEqual(goal);
    expect(cost(structure)).toBeGreaterThan(cost({ ...learned, conv2: 16 }));
    expect(fill?.fromCost).toBe(goal);
    for (const name of ['conv1', 'conv3', 'conv4'] as const) expect(structure[name]).toBeGreaterThanOrEqual(learned[name]);
    expect(phases.slice(0, 4)).toEqual(['filling the structure up to the target', 'snapping widths to the device', 'filling the structure up to the target', 'snapping widths to the device']);
  });

  test('without a goal to fill to, snapping only moves up', () => {
    const { structure, fill } = deviceWidths(graph, learned, { target: device }, undefined);
    expect(fill).toBeUndefined();
    expect(structure['conv2']).toBe(17);
    for (const [name, count] of Object.entries(structure)) expect(count).toBeGreaterThanOrEqual(learned[name as keyof typeof learned]);
  });

  test('a group jumps past the seed\'s width where the profile measured a faster width there, unless told to stay within the seed', () => {
    const cliff = cliffDevice(graph, 1.25);
    const start = { conv1: 13, conv2: 30, conv3: 40, conv4: 55 };
    const wide = deviceWidths(graph, start, { target: cliff }, undefined);
    expect(wide.structure['conv2']).toBe(36);
    expect(wide.snaps).toContainEqual({ owners: ['conv2'], from: 30, to: 36 });
    const within = deviceWidths(graph, start, { target: cliff, withinSeed: true }, undefined);
    expect(within.structure['conv2']).toBeLessThanOrEqual(32);
    expect(structureCost(graph, cliff, wide.structure)).toBeLessThan(structureCost(graph, cliff, within.structure));
  });

  test('on a measured device the room the fill leaves is grown into, past the seed\'s width where the profile measured a cheaper one', () => {
    const cliff = cliffDevice(graph, 1.25);
    const seed = { conv1: 32, conv2: 32, conv3: 64, conv4: 64 };
    const goal = structureCost(graph, cliff, seed);
    const phases: string[] = [];
    const wide = deviceWidths(graph, learned, { target: cliff, onPhase: (p) => phases.push(p) }, goal);
    expect(phases.at(-1)).toBe('growing groups into the room left');
    expect(wide.structure['conv2']).toBeGreaterThan(32);
    expect(wide.grown.map((g) => g.owners[0])).toContain('conv2');
    expect(structureCost(graph, cliff, wide.structure)).toBeLessThanOrEqual(goal);
    const within = deviceWidths(graph, learned, { target: cliff, withinSeed: true }, goal);
    for (const [name, count] of Object.entries(within.structure)) expect(count).toBeLessThanOrEqual(seed[name as keyof typeof seed]);
    expect(deviceWidths(graph, learned, { target: device }, goal).grown).toEqual([]);
  });

  test('with snapping off, only the fill', () => {
    const goal = 1.3 * cost(learned);
    const { structure, snaps, fill } = deviceWidths(graph, learned, { target: device, snap: false }, goal);
    expect(snaps).toEqual([]);
    expect(fill?.multiplier).toBeGreaterThan(1);
    expect(cost(structure)).toBeLessThanOrEqual(goal);
    expect(cost(structure)).toBeGreaterThan(cost(learned));
  });
});

describe('removed groups come back where widening cannot use the budget', () => {
  const resnet = buildGraph(zooEntry('resnet-mini').build());
  const size = sizeTarget();
  const full = fullStructure(resnet);
  const bothRemoved = { ...full, s1b1_conv1: 0, s2b2_conv1: 0 };
  const sizeOf = (s: Record<string, number>): number => structureCost(resnet, size, s);
  const s1b1Back = sizeOf({ ...bothRemoved, s1b1_conv1: full['s1b1_conv1']! });
  const s2b2Back = sizeOf({ ...bothRemoved, s2b2_conv1: full['s2b2_conv1']! });

  test('the least costly first, at its seed width, while the cost stays within the goal', () => {
    expect(s1b1Back).toBeLessThan(s2b2Back);
    const one = restoreRemovedGroups(resnet, bothRemoved, size, (s1b1Back + sizeOf(full)) / 2);
    expect(one.restored).toEqual(['s1b1_conv1']);
    expect(one.structure).toEqual({ ...bothRemoved, s1b1_conv1: full['s1b1_conv1'] });
    expect(restoreRemovedGroups(resnet, bothRemoved, size, sizeOf(full)).structure).toEqual(full);
    expect(restoreRemovedGroups(resnet, bothRemoved, size, s1b1Back - 1).restored).toEqual([]);
  });

  test('a shrink run\'s widths: every other group is at its seed width, so the fill brings a body back', () => {
    const { structure, restored } = deviceWidths(resnet, bothRemoved, { target: size, snap: false }, (s1b1Back + s2b2Back) / 2);
    expect(restored).toEqual(['s1b1_conv1']);
    expect(structure['s2b2_conv1']).toBe(0);
  });

  test('where widening uses the budget, nothing comes back', () => {
    const narrow = scaleStructure(resnet, bothRemoved, 0.5);
    const { structure, restored } = deviceWidths(resnet, narrow, { target: size, snap: false }, sizeOf(bothRemoved));
    expect(restored).toEqual([]);
    expect(structure['s1b1_conv1']).toBe(0);
  });
});

describe('the report says how the widths were reached', () => {
  test('report.md lists the snapped and the grown groups, and only lines that apply', () => {
    const seed = { conv1: 32, conv2: 32, conv3: 64, conv4: 64 };
    const report: ShrinkReport = {
      target: 'latency',
      unit: 'ms',
      initialCost: 10,
      finalCost: 7.5,
      steps: 300,
      structure: { conv1: 16, conv2: 36, conv3: 64, conv4: 64 },
      loss: 'categorical',
      seedStructure: seed,
      learnedStructure: { conv1: 13, conv2: 17, conv3: 40, conv4: 55 },
      strength: 1,
      removalCost: true,
      minWidthRatio: 0.1,
      raised: [],
      restored: [],
      snaps: [{ owners: ['conv1'], from: 13, to: 16 }],
      grown: [{ owners: ['conv2'], from: 17, to: 36 }],
      removed: [],
      stoppedBecause: 'steps done',
    };
    const md = reportMarkdown(report);
    expect(md).toContain('- snapped: conv1 13→16');
    expect(md).toContain('- grown into the room left: conv2 17→36');
    expect(md).toContain('| conv2 | 32 | 36 |');
    expect(reportMarkdown({ ...report, grown: [] })).not.toContain('grown');
    expect(md).not.toMatch(/\n\n\n/);
  });
});
