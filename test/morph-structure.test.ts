import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { flopsTarget, latencyTarget, networkCost } from '../src/costs/index.js';
import { readProfile } from '../src/profile/index.js';
import { StructureError } from '../src/errors.js';
import { buildGraph, fullStructure, loadModelFile, saveModelFiles } from '../src/graph/index.js';
import { buildShrunkModel, cheapestStructure, expandStructure, growWithinGoal, isBuildable, JUMP_GAIN, scaleStructure, snapStructure, structureCost } from '../src/morph/structure/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { alignedDevice } from './helpers/aligned-device.js';
import { cliffDevice } from './helpers/cliff-device.js';

await initBackend('cpu');
const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-structure-'));

function predicts(model: import('@tensorflow/tfjs-layers').LayersModel): number[] {
  const y = model.predict(tf.ones([1, 28, 28, 1])) as tf.Tensor;
  const out = [...y.dataSync()];
  y.dispose();
  return out;
}

describe('the shrunk architecture', () => {
  test('widths follow the structure, and the model round-trips through model.json', async () => {
    const seed = zooEntry('resnet-mini').build();
    const structure = { stem: 8, s1b1_conv2: 8, s1b1_conv1: 5, s2b1_conv1: 12 };
    const { model, report } = await buildShrunkModel(seed, structure);
    expect(report.removed).toEqual([]);
    expect(model.getLayer('stem').getConfig()['filters']).toBe(8);
    expect(model.getLayer('s1b1_conv1').getConfig()['filters']).toBe(5);
    expect(model.getLayer('s2b1_conv1').getConfig()['filters']).toBe(12);
    expect(model.getLayer('s2b1_conv2').getConfig()['filters']).toBe(32);
    const graph = buildGraph(model);
    expect(networkCost(graph, flopsTarget()).total).toBe(networkCost(buildGraph(seed), flopsTarget(), structure).total);
    await saveModelFiles(model, path.join(dir, 'resnet'));
    const reloaded = await loadModelFile(path.join(dir, 'resnet', 'model.json'));
    expect(buildGraph(reloaded)).toEqual(graph);
    const a = predicts(model);
    const b = predicts(reloaded);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
  });

  test('a residual body with 0 channels becomes the identity', async () => {
    const seed = zooEntry('resnet-mini').build();
    const { model, report } = await buildShrunkModel(seed, { s1b1_conv1: 0, s2b2_conv1: 0 });
    expect(report.removed).toEqual(expect.arrayContaining(['s1b1_conv1', 's1b1_conv1_bn', 's1b1_conv1_relu', 's1b1_conv2', 's1b1_conv2_bn', 's2b2_conv1', 's2b2_conv2']));
    expect(report.bypassed).toEqual(['s1b1_add', 's2b2_add']);
    const names = model.layers.map((l) => l.name);
    expect(names).not.toContain('s1b1_add');
    expect(names).toContain('s1b1_out');
    const graph = buildGraph(model);
    expect(graph.ops.find((o) => o.name === 's1b1_out')!.inputs).toEqual(['stem_relu']);
    expect(graph.ops.find((o) => o.name === 's2b2_out')!.inputs).toEqual(['s2b1_out']);
    expect(predicts(model)).toHaveLength(10);
  });

  test('the cost of a structure with removed bodies is the cost of the model it builds', async () => {
    const seed = zooEntry('resnet-mini').build();
    const structure = { s1b1_conv1: 0, s2b2_conv1: 0, s3b1_conv1: 9 };
    const { model } = await buildShrunkModel(seed, structure);
    const profile = await readProfile(path.join(import.meta.dirname, '..', 'device-profiles', 'amd-epyc-2c-wasm-resnet-mini.json'));
    for (const target of [flopsTarget(), latencyTarget(profile)]) {
      const built = networkCost(buildGraph(model), target).total;
      const predicted = networkCost(buildGraph(seed), target, structure).total;
      expect(Math.abs(built - predicted) / built, target.name).toBeLessThan(1e-9);
    }
    const latency = latencyTarget(profile);
    const full = networkCost(buildGraph(seed), latency).total;
    const oneChannel = networkCost(buildGraph(seed), latency, { s1b1_conv1: 1 }).total;
    const removed = networkCost(buildGraph(seed), latency, { s1b1_conv1: 0 }).total;
    expect(full - removed).toBeGreaterThan(1.5 * (full - oneChannel));
  });

  test('a concat tower with 0 channels is removed from the concat', async () => {
    const seed = zooEntry('inception-mini').build();
    const { model, report } = await buildShrunkModel(seed, { inc1_5x5reduce: 0, inc2_poolproj: 0 });
    expect(report.removed).toEqual(expect.arrayContaining(['inc1_5x5reduce', 'inc1_5x5', 'inc1_5x5_bn', 'inc2_poolproj', 'inc2_poolproj_relu']));
    const graph = buildGraph(model);
    const concat1 = graph.ops.find((o) => o.name === 'inc1_concat')!;
    expect(concat1.inputs).toHaveLength(3);
    expect(concat1.outChannels).toBe(16 + 24 + 8);
    expect(graph.ops.find((o) => o.name === 'inc2_concat')!.outChannels).toBe(32 + 48 + 16);
    expect(graph.ops.some((o) => o.name === 'inc2_pool')).toBe(false);
    expect(predicts(model)).toHaveLength(10);
  });

  test('a layer with 0 channels that nothing bypasses is refused', async () => {
    const seed = zooEntry('plain-cnn').build();
    await expect(buildShrunkModel(seed, { conv2: 0 })).rejects.toThrow(StructureError);
  });

  test('the cheapest structure: every group at one channel, residual bodies removed, still buildable', async () => {
    const seed = zooEntry('resnet-mini').build();
    const graph = buildGraph(seed);
    const target = flopsTarget();
    const { structure, cost } = cheapestStructure(seed, graph, target);
    expect(structure['s1b1_conv1']).toBe(0);
    expect(structure['s2b2_conv1']).toBe(0);
    expect(structure['stem']).toBe(1);
    expect(structure['s1b1_conv2']).toBe(1);
    expect(Object.values(structure).every((c) => c === 0 || c === 1)).toBe(true);
    expect(cost).toBe(networkCost(graph, target, structure).total);
    const ones = Object.fromEntries(Object.keys(structure).map((name) => [name, 1]));
    expect(cost).toBeLessThan(networkCost(graph, target, ones).total);
    expect(isBuildable(seed, structure)).toBe(true);
    const plain = zooEntry('plain-cnn').build();
    expect(Object.values(cheapestStructure(plain, buildGraph(plain), target).structure).every((c) => c === 1)).toBe(true);
  });
});

describe('expansion by one width multiplier', () => {
  test.each([0.5, 1, 1.8])('meets a FLOPs goal of %s× the learned structure\'s cost', (ratio) => {
    const seed = zooEntry('mobilenet-mini').build();
    const graph = buildGraph(seed);
    const learned = { stem: 9, b1_expand: 20, b1_project: 13, b2_project: 13, b2_expand: 30, b3_expand: 41, b3_project: 22, b4_project: 22, b4_expand: 77, head: 90 };
    const target = flopsTarget();
    const goal = ratio * structureCost(graph, target, learned);
    const { structure, multiplier, cost } = expandStructure(graph, learned, target, goal);
    expect(cost).toBeLessThanOrEqual(goal);
    expect(structureCost(graph, target, scaleStructure(graph, learned, multiplier * 1.02))).toBeGreaterThan(goal * 0.97);
    expect(structure['b1_project']).toBe(structure['b2_project']);
    expect(structure['b3_project']).toBe(structure['b4_project']);
    if (ratio > 1) expect(structure['head']).toBeGreaterThan(90);
  });

  test('a goal beyond what the model\'s widths reach reports the multiplier that reaches them, not the search\'s cap', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const learned = { conv1: 30, conv2: 30, conv3: 60, conv4: 60 };
    const flops = flopsTarget();
    const { structure, multiplier } = expandStructure(graph, learned, flops, 10 * structureCost(graph, flops, fullStructure(graph)), { withinModel: true });
    expect(structure).toMatchObject({ conv1: 32, conv2: 32, conv3: 64, conv4: 64 });
    // round(60 · m) = 64 from m = 63.5 / 60; round(30 · m) = 32 from 31.5 / 30.
    expect(multiplier).toBeCloseTo(63.5 / 60, 3);
    expect(scaleStructure(graph, learned, multiplier, { withinModel: true })).toEqual(structure);
  });

  test('on a measured device whose cost falls past a cliff, the widest multiplier that meets the goal, not the first bisection finds', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const device = cliffDevice(graph, 2);
    const learned = { conv1: 20, conv2: 20, conv3: 40, conv4: 40 };
    const cost = (m: number): number => structureCost(graph, device, scaleStructure(graph, learned, m));
    // at ×1.8 both 28x28 convolutions have 36 aligned channels: past the cliff, cheaper than at ×1.5 with 30
    const goal = cost(1.8);
    expect(cost(1.5)).toBeGreaterThan(goal);
    const { structure, multiplier, cost: reached } = expandStructure(graph, learned, device, goal);
    expect(reached).toBeLessThanOrEqual(goal);
    expect(structure).toEqual(scaleStructure(graph, learned, 1.8));
    for (let m = multiplier + 1 / 64; m <= 4; m += 1 / 64) {
      if (JSON.stringify(scaleStructure(graph, learned, m)) !== JSON.stringify(structure)) expect(cost(m)).toBeGreaterThan(goal);
    }
    const flops = flopsTarget();
    const byFlops = expandStructure(graph, learned, flops, structureCost(graph, flops, scaleStructure(graph, learned, 1.8)));
    expect(byFlops.structure).toEqual(scaleStructure(graph, learned, 1.8));
  });

  test('within the model, no group grows past the seed\'s width, and the goal is still met', () => {
    const seed = zooEntry('mobilenet-mini').build();
    const graph = buildGraph(seed);
    const full = fullStructure(graph);
    const learned = { ...full, stem: Math.ceil((full['stem'] ?? 2) / 2) };
    const target = flopsTarget();
    const goal = 0.99 * structureCost(graph, target, full);
    const free = expandStructure(graph, learned, target, goal);
    expect(Object.entries(free.structure).some(([name, count]) => count > (full[name] ?? Infinity))).toBe(true);
    const within = expandStructure(graph, learned, target, goal, { withinModel: true });
    expect(within.cost).toBeLessThanOrEqual(goal);
    for (const [name, count] of Object.entries(within.structure)) expect(count).toBeLessThanOrEqual(full[name] ?? Infinity);
    expect(within.structure['stem']).toBeGreaterThan(learned['stem']);
  });
});

describe('device-aware snapping', () => {
  test('moves counts up to a faster aligned width within the window', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const learned = { conv1: 13, conv2: 30, conv3: 40, conv4: 63 };
    const device = alignedDevice();
    const { structure, snaps } = snapStructure(graph, learned, device);
    // conv1 stays: widening it to 16 would add 3 input channels to the 32-wide conv2 (2·784·9·3·32 FLOPs)
    // for a saving of 2·784·9·10 on conv1 itself.
    expect(structure).toEqual({ conv1: 13, conv2: 32, conv3: 40, conv4: 64 });
    expect(snaps.map((s) => [s.from, s.to])).toEqual([[30, 32], [63, 64]]);
    const cost = (s: Record<string, number>): number => networkCost(graph, device, s).total;
    expect(cost(structure)).toBeLessThan(cost(learned));
    for (const [name, count] of Object.entries(learned)) {
      const width = name === 'conv1' || name === 'conv2' ? 32 : 64;
      for (let c = count; c <= Math.min(count + 3, width); c++) expect(cost({ ...structure, [name]: c })).toBeGreaterThanOrEqual(cost(structure));
    }
  });

  test('leaves FLOPs-priced structures alone, stepping down or not', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const learned = { conv1: 13, conv2: 30, conv3: 40, conv4: 63 };
    expect(snapStructure(graph, learned, flopsTarget()).structure).toEqual(learned);
    expect(snapStructure(graph, learned, flopsTarget(), { down: true }).structure).toEqual(learned);
  });

  test('jumps past its window, and past the model\'s width, to a clearly cheaper width the target measured, its neighbours moving with it', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const learned = { conv1: 13, conv2: 30, conv3: 40, conv4: 63 };
    const device = cliffDevice(graph, 1.25);
    const { structure, snaps } = snapStructure(graph, learned, device);
    // conv2 at 36 leaves the slow program only with its 13 inputs aligned: conv1 moves to 16 within its window.
    expect(structure).toEqual({ conv1: 16, conv2: 36, conv3: 40, conv4: 63 });
    expect(snaps.map((s) => [s.owners[0], s.from, s.to])).toEqual([['conv1', 13, 16], ['conv2', 30, 36]]);
    const cost = (s: Record<string, number>): number => networkCost(graph, device, s).total;
    expect(cost(structure)).toBeLessThanOrEqual(cost(learned) * (1 - JUMP_GAIN));
    expect(cost({ ...learned, conv2: 36 })).toBeGreaterThan(cost(learned));
  });

  test('jumps no further than the target measured, nor past the model\'s width when told not to', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const learned = { conv1: 13, conv2: 30, conv3: 40, conv4: 63 };
    expect(snapStructure(graph, learned, cliffDevice(graph, 1)).structure).toEqual(learned);
    expect(snapStructure(graph, learned, cliffDevice(graph, 1.25), { withinModel: true }).structure).toEqual(learned);
    expect(snapStructure(graph, learned, alignedDevice()).structure).toEqual({ conv1: 13, conv2: 32, conv3: 40, conv4: 64 });
  });

  test('prices a structure wider than the model as the model widened to it, and a fill grows no group further past its width', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const wider = { conv1: 16, conv2: 36, conv3: 40, conv4: 63 };
    const flops = flopsTarget();
    const report = networkCost(graph, flops, wider);
    expect(report.total).toBe(structureCost(graph, flops, wider));
    expect(report.layers.find((l) => l.name === 'conv2')?.aliveOut).toBe(36);
    expect(report.total).toBeGreaterThan(networkCost(graph, flops, { ...wider, conv2: 32 }).total);
    expect(scaleStructure(graph, wider, 1.2, { withinModel: true })).toMatchObject({ conv1: 19, conv2: 36, conv3: 48, conv4: 64 });
    expect(scaleStructure(graph, wider, 0.5, { withinModel: true })).toMatchObject({ conv1: 8, conv2: 18, conv3: 20, conv4: 32 });
  });

  test('growth spends the room left on wider counts the target measured, past the model\'s width where that runs cheaper', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const device = cliffDevice(graph, 1.25);
    const cost = (s: Record<string, number>): number => networkCost(graph, device, s).total;
    const seed = { conv1: 32, conv2: 32, conv3: 64, conv4: 64 };
    const start = { conv1: 13, conv2: 24, conv3: 64, conv4: 64 };
    const goal = cost(seed);
    const { structure, grown } = growWithinGoal(graph, start, device, goal);
    expect(cost(structure)).toBeLessThanOrEqual(goal);
    // conv2 at 36 with its inputs aligned leaves the slow program: wider than the seed and cheaper than it.
    expect(structure['conv2']).toBeGreaterThan(32);
    expect((structure['conv1'] ?? 0) % 4).toBe(0);
    expect(grown.map((g) => g.owners[0])).toEqual(expect.arrayContaining(['conv1', 'conv2']));
    for (const g of grown) expect(g.to).toBeGreaterThan(g.from);
    for (const [name, count] of Object.entries(structure)) expect(count).toBeLessThanOrEqual(1.25 * seed[name as keyof typeof seed]);
    // nothing is left that a single count more would fit in
    for (const name of Object.keys(structure)) {
      const next = (structure[name] ?? 0) + 1;
      if (next <= 1.25 * seed[name as keyof typeof seed]) expect(cost({ ...structure, [name]: next })).toBeGreaterThan(goal);
    }
    const within = growWithinGoal(graph, start, device, goal, { withinModel: true }).structure;
    for (const [name, count] of Object.entries(within)) expect(count).toBeLessThanOrEqual(seed[name as keyof typeof seed]);
    expect(cost(within)).toBeLessThanOrEqual(goal);
  });

  test('growth leaves structures priced by formula as they are; with no room left, it only takes widths that cost nothing more', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const start = { conv1: 13, conv2: 24, conv3: 40, conv4: 64 };
    expect(growWithinGoal(graph, start, flopsTarget(), 10 * structureCost(graph, flopsTarget(), start))).toEqual({ structure: start, grown: [] });
    const device = cliffDevice(graph, 1.25);
    const cost = (s: Record<string, number>): number => networkCost(graph, device, s).total;
    const { structure, grown } = growWithinGoal(graph, start, device, cost(start));
    expect(cost(structure)).toBeLessThanOrEqual(cost(start));
    expect(structure['conv2']).toBeGreaterThan(32);
    for (const g of grown) expect(g.to).toBeGreaterThan(g.from);
    const aligned = { conv1: 16, conv2: 36, conv3: 40, conv4: 64 };
    expect(growWithinGoal(graph, aligned, device, cost(aligned) * 0.999).grown).toEqual([]);
  });

  test('asked to, steps down off a step just below, but never where a width above is cheaper', () => {
    const graph = buildGraph(zooEntry('plain-cnn').build());
    const learned = { conv1: 13, conv2: 17, conv3: 40, conv4: 63 };
    const device = alignedDevice();
    expect(snapStructure(graph, learned, device).structure).toEqual({ conv1: 13, conv2: 17, conv3: 40, conv4: 64 });
    const { structure, snaps } = snapStructure(graph, learned, device, { down: true });
    expect(structure).toEqual({ conv1: 13, conv2: 16, conv3: 40, conv4: 64 });
    expect(snaps.map((s) => [s.owners[0], s.from, s.to])).toEqual([['conv2', 17, 16], ['conv4', 63, 64]]);
  });
});
