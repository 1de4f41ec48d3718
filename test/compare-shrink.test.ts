/**
 * compareArchitectures shrinking for each device: each device gets a MorphNet run of its own from the
 * same seed weights (the seed itself is left alone), its files in its folder, accuracy when retrained;
 * a rerun with `resume` reuses finished architectures instead of shrinking again.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { compareArchitectures, deviceFolder, deviceGoal, keepAccuracy, keptAccuracy, matchedFlopsFolder, retrainingFile } from '../src/compare/index.js';
import type { CompareProgress, CompareRequest, CompareResult } from '../src/compare/index.js';
import { readProfile } from '../src/profile/io.js';
import { flopsTarget } from '../src/costs/analytic.js';
import { latencyTarget } from '../src/costs/latency/target.js';
import { buildGraph } from '../src/graph/build.js';
import { expandStructure, structureCost } from '../src/morph/structure/expand.js';
import { snapStructure } from '../src/morph/structure/snap.js';
import { ROOT } from './helpers/cli.js';
import { brightnessImages } from './helpers/synthetic-data.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const profileFile = (name: string): string => path.join(ROOT, 'device-profiles', `${name}.json`);
const outDir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-compare-shrink-'));
await initBackend('wasm');
const seed = tinyResidualModel({ size: 8, channels: 1, classes: 4, width: 12 });
let request: CompareRequest;
let first: CompareResult;
let seedBefore: Float32Array[];
const events: CompareProgress[] = [];

beforeAll(async () => {
  seedBefore = seed.getWeights().map((w) => w.dataSync() as Float32Array);
  request = {
    model: seed,
    modelName: 'tiny',
    devices: [{ profile: await readProfile(profileFile('amd-epyc-2c-wasm-resnet-mini')) }, { profile: await readProfile(profileFile('llvmpipe-2c-webgpu-resnet-mini')) }],
    shrink: { goal: { kind: 'strength', strength: 10 }, steps: 20, checkEvery: 10, batchSize: 16 },
    train: brightnessImages(256, 8, 1),
    test: brightnessImages(64, 8, 2),
    retrainEpochs: 1,
    outDir,
    measure: false,
    onProgress: (p) => events.push(p),
  };
  first = await compareArchitectures(request);
});

describe('deviceGoal', () => {
  test.each([
    [{ kind: 'ratio', ratio: 0.5 }, 10, 2, { kind: 'cost', cost: 6 }],
    [{ kind: 'ratio', ratio: 0.5 }, 10, 0, { kind: 'cost', cost: 5 }],
    [{ kind: 'ratio', ratio: 0.25 }, 10, -2, { kind: 'cost', cost: 1 }],
    [{ kind: 'cost', cost: 7 }, 10, 2, { kind: 'cost', cost: 7 }],
    [{ kind: 'strength', strength: 3 }, 10, 2, { kind: 'strength', strength: 3 }],
  ] as const)('%j on a seed of %d ms with a %d ms constant → %j', (goal, seedMs, constantMs, expected) => {
    expect(deviceGoal(goal, seedMs, constantMs, 'dev')).toEqual(expected);
  });

  test.each([
    [{ kind: 'cost', cost: 2 }, /cannot be met on `dev`: its profile puts 2\.000 ms/],
    [{ kind: 'ratio', ratio: 1.2 }, /ratio must be in \(0, 1\)/],
  ] as const)('%j is refused', (goal, message) => {
    expect(() => deviceGoal(goal, 10, 2, 'dev')).toThrow(message);
  });
});

describe('compare shrinking for each device', () => {
  test('each device gets its own shrink run, reported per step', () => {
    const shrinking = events.filter((e): e is Extract<CompareProgress, { phase: 'shrinking' }> => e.phase === 'shrinking');
    expect([...new Set(shrinking.map((e) => e.device))]).toEqual(first.devices.map((d) => d.name));
    expect(shrinking.filter((e) => e.index === 0).at(-1)?.step.step).toBe(20);
    expect(shrinking.every((e) => e.count === 2)).toBe(true);
    expect(first.architectures.map((a) => a.source)).toEqual(['shrunk', 'shrunk']);
  });

  test('the architectures are the shrink runs\' structures, with their files and accuracy', () => {
    first.architectures.forEach((a, i) => {
      expect(a.dir).toBe(deviceFolder(outDir, a.device));
      const report = JSON.parse(readFileSync(path.join(a.dir, 'report.json'), 'utf8'));
      expect(a.structure).toEqual({ ...report.seedStructure, ...report.structure });
      expect(Object.keys(a.structure)).toEqual(Object.keys(first.model.structure));
      expect(JSON.parse(readFileSync(path.join(a.dir, 'structure.json'), 'utf8'))).toEqual(report.structure);
      expect(existsSync(path.join(a.dir, 'model.json'))).toBe(true);
      expect(a.accuracy).toBe(report.accuracy);
      expect(a.accuracy).toBeGreaterThanOrEqual(0);
      expect(a.accuracy).toBeLessThanOrEqual(1);
      expect(report.target).toBe('latency');
      expect(report.initialCost).toBe(first.devices[i]?.seedPredictedMs);
    });
    expect(first.devices[1]!.seedPredictedMs).toBeGreaterThan(5 * first.devices[0]!.seedPredictedMs);
    expect(first.settings.shrink?.goal).toEqual({ kind: 'strength', strength: 10 });
  });

  test('the seed model keeps its weights: every device starts from the same seed', () => {
    const after = seed.getWeights().map((w) => w.dataSync() as Float32Array);
    expect(after).toHaveLength(seedBefore.length);
    after.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(seedBefore[i]!)));
    expect(tf.getBackend()).toBe('wasm');
  });

  test('a resumed run reuses the finished architectures without training', async () => {
    const resumed: CompareProgress[] = [];
    const again = await compareArchitectures({ ...request, resume: true, onProgress: (p) => resumed.push(p) });
    expect(resumed.filter((e) => e.phase === 'shrinking' || e.phase === 'retraining')).toEqual([]);
    expect(again.architectures.map((a) => [a.structure, a.accuracy])).toEqual(first.architectures.map((a) => [a.structure, a.accuracy]));
    expect(again.predictedMs).toEqual(first.predictedMs);
  });
});

describe('candidates', () => {
  const candidatesRequest = (dir: string, events: CompareProgress[]): CompareRequest => ({
    ...request,
    shrink: { goal: { kind: 'ratio', ratio: 0.9 }, steps: 20, checkEvery: 10, batchSize: 16, candidates: 2 },
    validation: brightnessImages(64, 8, 3),
    retrainEpochs: 1,
    outDir: dir,
    onProgress: (p) => events.push(p),
  });
  const phasesOf = (events: CompareProgress[], device: string): string[] =>
    events.flatMap((e) => (e.phase === 'shrink-phase' && e.device === device ? [e.name] : []));

  test('each device keeps the best of its shrink runs, and a resumed run shrinks only the candidates left', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-compare-candidates-'));
    const events: CompareProgress[] = [];
    const result = await compareArchitectures(candidatesRequest(dir, events));
    for (const a of result.architectures) {
      const report = JSON.parse(readFileSync(path.join(a.dir, 'report.json'), 'utf8'));
      expect(report.candidates.map((c: { seed: number }) => c.seed)).toEqual([1, 2]);
      const chosen = report.candidates.find((c: { chosen: boolean }) => c.chosen);
      expect(a.structure).toEqual({ ...report.seedStructure, ...chosen.structure });
      expect(a.accuracy).toBe(report.accuracy);
      expect(existsSync(path.join(a.dir, 'candidates', '2', 'validation.json'))).toBe(true);
      expect(phasesOf(events, a.device).some((p) => p.startsWith('candidate 2 of 2: '))).toBe(true);
    }

    const [first_, second] = result.architectures;
    // As interrupted while shrinking its second candidate: only candidate 1's run is in its folder.
    for (const entry of readdirSync(first_!.dir)) if (entry !== 'candidates') rmSync(path.join(first_!.dir, entry), { recursive: true });
    rmSync(path.join(first_!.dir, 'candidates', '2'), { recursive: true });
    const again: CompareProgress[] = [];
    const resumed = await compareArchitectures({ ...candidatesRequest(dir, again), resume: true });
    expect(phasesOf(again, second!.device)).toEqual([]);
    const redone = phasesOf(again, first_!.device).filter((p) => p.startsWith('candidate'));
    expect(redone.length).toBeGreaterThan(0);
    expect(redone.every((p) => p.startsWith('candidate 2 of 2: '))).toBe(true);
    expect(resumed.architectures.map((a) => a.structure)).toEqual(result.architectures.map((a) => a.structure));
  });

  test('without validation data each device\'s shrink is refused with one line naming it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-compare-candidates-bad-'));
    const { validation: _v, ...noValidation } = candidatesRequest(dir, []);
    await expect(compareArchitectures(noValidation)).rejects.toThrow(/^shrinking for `amd-epyc-2c-wasm-resnet-mini`: `--candidates` chooses on validation data, and there is none/);
  });
});

describe('matchFlops', () => {
  /** A compare of a 24-channel tiny residual model resumed from shrink reports that ended at `finished`. */
  async function matchedFrom(size: number, finished: { a: number; b: number }[], request: Partial<CompareRequest>): Promise<{ wide: ReturnType<typeof tinyResidualModel>; devices: CompareRequest['devices']; result: CompareResult }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-compare-flops-'));
    const wide = tinyResidualModel({ size, channels: 1, classes: 4, width: 24 });
    const devices = [{ profile: await readProfile(profileFile('amd-epyc-2c-wasm-resnet-mini')) }, { profile: await readProfile(profileFile('llvmpipe-2c-webgpu-resnet-mini')) }];
    devices.forEach((d, i) => {
      const folder = deviceFolder(dir, d.profile.name);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'report.json'), JSON.stringify({ structure: finished[i], seedStructure: { a: 24, b: 24, head: 4 } }));
    });
    const result = await compareArchitectures({ model: wide, modelName: 'wide', devices, outDir: dir, resume: true, matchFlops: true, measure: false, ...request });
    return { wide, devices, result };
  }

  test('rescales the shrunk architectures by one width multiplier each to the FLOPs of the smallest', async () => {
    const { result } = await matchedFrom(8, [{ a: 8, b: 8 }, { a: 24, b: 24 }], { shrink: { snap: false } });
    const [small, big] = result.architectures;
    expect(small?.structure).toEqual({ a: 8, b: 8, head: 4 });
    expect(small?.multiplier).toBeGreaterThanOrEqual(1);
    expect(big?.multiplier).toBeLessThan(0.4);
    expect(big?.structure).toEqual({ a: 8, b: 8, head: 4 });
    expect(big?.flops).toBe(small?.flops);
    expect(JSON.parse(readFileSync(path.join(big!.dir, 'structure.json'), 'utf8'))).toEqual(big?.structure);
    expect(result.settings.matchFlops).toBe(true);
  });

  test('saves each rescaled architecture beside its shrink run, and a resumed run reuses its retraining unless the training changed', async () => {
    const retraining: string[] = [];
    const onProgress = (p: CompareProgress): void => void (p.phase === 'retraining' && p.step === 1 && retraining.push(p.device));
    const train = brightnessImages(64, 8, 1);
    const test = brightnessImages(32, 8, 2);
    const { wide, devices, result } = await matchedFrom(8, [{ a: 8, b: 8 }, { a: 24, b: 24 }], { shrink: { snap: false, batchSize: 16 }, train, test, retrainEpochs: 1, onProgress });
    expect(retraining).toEqual(devices.map((d) => d.profile.name));
    const dir = path.dirname(path.dirname(path.dirname(result.architectures[0]!.dir)));
    for (const [i, a] of result.architectures.entries()) {
      const shrinkDir = deviceFolder(dir, devices[i]!.profile.name);
      expect(a.dir).toBe(matchedFlopsFolder(shrinkDir));
      expect(existsSync(path.join(shrinkDir, 'structure.json'))).toBe(false);
      expect(JSON.parse(readFileSync(path.join(a.dir, 'structure.json'), 'utf8'))).toEqual(a.structure);
      expect(existsSync(path.join(a.dir, 'model.json'))).toBe(true);
      const kept = JSON.parse(readFileSync(retrainingFile(a.dir, 1), 'utf8'));
      expect(kept).toMatchObject({ structure: a.structure, seed: 1, epochs: 1, batchSize: 16, accuracy: a.accuracy });
    }
    const again = await compareArchitectures({ model: wide, modelName: 'wide', devices, outDir: dir, resume: true, matchFlops: true, measure: false, shrink: { snap: false, batchSize: 16 }, train, test, retrainEpochs: 1, onProgress });
    expect(retraining).toHaveLength(2);
    expect(again.architectures.map((a) => [a.structure, a.accuracy, a.dir])).toEqual(result.architectures.map((a) => [a.structure, a.accuracy, a.dir]));
    await compareArchitectures({ model: wide, modelName: 'wide', devices, outDir: dir, resume: true, matchFlops: true, measure: false, shrink: { snap: false, batchSize: 16 }, train, test, retrainEpochs: 2, onProgress });
    expect(retraining).toHaveLength(4);
    expect(JSON.parse(readFileSync(retrainingFile(result.architectures[0]!.dir, 1), 'utf8')).epochs).toBe(2);
  });

  test('with snapping, the multiplier is chosen on the snapped FLOPs, nearest the goal, where snapping the matched structure overshoots', async () => {
    const { wide, devices, result } = await matchedFrom(28, [{ a: 5, b: 5 }, { a: 21, b: 21 }], {});
    const [small, big] = result.architectures;
    const graph = buildGraph(wide);
    const flops = flopsTarget();
    const goal = structureCost(graph, flops, small!.structure);
    const naive = snapStructure(graph, expandStructure(graph, { a: 21, b: 21, head: 4 }, flops, goal).structure, latencyTarget(devices[1]!.profile)).structure;
    // lavapipe snaps 5-8 channels to 8 at 28x28: the matched structure (5) snapped would land at 2.4x the goal.
    expect(naive).toEqual({ a: 8, b: 8, head: 4 });
    expect(small?.structure).toEqual({ a: 5, b: 5, head: 4 });
    expect(big?.structure).toEqual({ a: 4, b: 4, head: 4 });
    expect(big?.flops).toBe(structureCost(graph, flops, big!.structure));
    expect(Math.abs(big!.flops / goal - 1)).toBeLessThan(structureCost(graph, flops, naive) / goal - 1);
  });
});

describe('kept retrainings', () => {
  const key = { structure: { a: 8, b: 5 }, seed: 2, epochs: 3, batchSize: 32, train: { description: 'train.gz', size: 600 }, test: null };

  test('one is read back for the same key in any key order, and not for another structure, seed or data', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-kept-'));
    await keepAccuracy(dir, key, 0.8125);
    expect(await keptAccuracy(dir, { test: null, train: { size: 600, description: 'train.gz' }, batchSize: 32, epochs: 3, seed: 2, structure: { b: 5, a: 8 } })).toBe(0.8125);
    expect(await keptAccuracy(dir, { ...key, structure: { a: 8, b: 6 } })).toBeUndefined();
    expect(await keptAccuracy(dir, { ...key, seed: 3 })).toBeUndefined();
    expect(await keptAccuracy(dir, { ...key, train: { description: 'other.gz', size: 600 } })).toBeUndefined();
  });

  test('a half-written or foreign file is not an accuracy', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-kept-'));
    writeFileSync(retrainingFile(dir, 2), '{"structure": {"a": 8');
    expect(await keptAccuracy(dir, key)).toBeUndefined();
    writeFileSync(retrainingFile(dir, 2), JSON.stringify({ ...key, accuracy: 'high' }));
    expect(await keptAccuracy(dir, key)).toBeUndefined();
  });
});
