/**
 * The library flow at the package root on a model and data of the user's: `profile` (progress, the file
 * written as it goes, cancellation), `predict` (the CLI's numbers, structures, the device check), `shrink` (an
 * image folder, a tf.data.Dataset, progress and phases, cancel and resume), `expand` and `compare`.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CancelledError,
  ImageDataset,
  UsageError,
  initBackend,
  buildGraph,
  compare,
  expand,
  latencyTarget,
  loadData,
  loadModelFile,
  networkCost,
  predict,
  profile,
  readProfile,
  shrink,
} from '../src/index.js';
import type { DeviceProfile, ProfileProgress, ShrinkProgress } from '../src/index.js';
import { kerasStyleModel, saveAsConvertedFromKeras, writeImageFolder } from './helpers/own-data.js';

let tmp: string;
let modelFile: string;
let photos: string;
let device: DeviceProfile;
const progress: ProfileProgress[] = [];
const at = (...parts: string[]) => path.join(tmp, ...parts);

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-api-'));
  photos = at('photos');
  await writeImageFolder(photos, { perClass: 8 });
  await initBackend('cpu');
  modelFile = await saveAsConvertedFromKeras(kerasStyleModel({ size: 16 }), at('my-model'));
  device = await profile({ backend: 'wasm', model: modelFile, budgetSeconds: 8, out: at('wasm.json'), onProgress: (p) => progress.push(p) });
}, 120_000);

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('profile', () => {
  test('measures the model\'s layers on wasm, reports progress, and writes the profile it returns', async () => {
    expect(device.status).toBe('complete');
    expect(device.device.backend).toBe('wasm');
    expect(device.model?.name).toBe('my-model');
    expect(device.ops.flatMap((o) => o.layers)).toEqual(expect.arrayContaining(['separable_conv2d', 'conv2d', 'conv2d_1']));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['roofline', 'sweep']));
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.spentMs).toBeGreaterThanOrEqual(progress[i - 1]!.spentMs);
    expect(await readProfile(at('wasm.json'))).toEqual(device);
  });

  test('an AbortSignal cancels it; what was measured is in the file, marked partial', async () => {
    const stop = new AbortController();
    const out = at('cancelled.json');
    const error = await profile({ backend: 'wasm', model: modelFile, budgetSeconds: 8, out, signal: stop.signal, onProgress: () => stop.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((await readProfile(out)).status).toBe('partial');
  });
});

describe('predict', () => {
  test('gives the profile\'s latency of the model, layer by layer, as the cost target does', async () => {
    const model = await loadModelFile(modelFile);
    const p = await predict({ profile: device, model: modelFile });
    expect(p.backend).toBe('wasm');
    expect(p.predictedMs).toBeCloseTo(networkCost(buildGraph(model), latencyTarget(device)).total, 12);
    expect(p.predictedMs).toBeCloseTo(p.layers.reduce((s, l) => s + l.predictedMs, 0) + p.networkConstantMs, 9);
    expect(p.layers.map((l) => l.name)).toContain('separable_conv2d');
    const narrow = await predict({ profile: at('wasm.json'), model, structure: { conv2d: 4, separable_conv2d: 4, conv2d_1: 2 } });
    expect(narrow.predictedMs).toBeLessThan(p.predictedMs);
    expect(p.measuredMs).toBeUndefined();
  });

  test('measures here when asked, and refuses a profile of another device unless forced', async () => {
    const measured = await predict({ profile: device, model: modelFile, measure: true, speedNetworks: 2 });
    expect(measured.measuredMs).toBeGreaterThan(0);
    expect(measured.deviceSpeed?.networks).toBe(2);
    expect(measured.deviceSpeed?.predictedMs).toBeCloseTo(measured.predictedMs * measured.deviceSpeed!.ratio, 9);
    const other = { ...device, device: { ...device.device, cpuModel: 'Another CPU' } };
    await expect(predict({ profile: other, model: modelFile, measure: true })).rejects.toThrow(UsageError);
    await expect(predict({ profile: other, model: modelFile, measure: true })).rejects.toThrow('refusing to measure: the profile\'s CPU is Another CPU');
  });

  test('measures a shrink run\'s structure with a residual body removed', async () => {
    const profileFile = path.resolve('device-profiles/amd-epyc-2c-wasm-resnet-mini.json');
    const seed = await predict({ profile: profileFile, model: 'resnet-mini' });
    const removed = await predict({ profile: profileFile, model: 'resnet-mini', structure: { s2b2_conv1: 0 }, measure: true, force: true, speedNetworks: 1 });
    expect(removed.measuredMs).toBeGreaterThan(0);
    expect(removed.predictedMs).toBeLessThan(seed.predictedMs);
    expect(removed.layers.find((l) => l.name === 's2b2_conv2')?.predictedMs).toBe(0);
    expect(seed.layers.find((l) => l.name === 's2b2_conv2')?.predictedMs).toBeGreaterThan(0);
  });
});

describe('shrink', () => {
  test('for latency, on an image folder with a validation split: progress, phases, files, the report', async () => {
    const steps: ShrinkProgress[] = [];
    const phases: string[] = [];
    const out = at('shrunk');
    const report = await shrink({
      model: modelFile,
      profile: device,
      data: { path: photos, validationSplit: 0.25 },
      goal: { kind: 'ratio', ratio: 0.95 },
      steps: 30,
      checkEvery: 10,
      batchSize: 8,
      retrainEpochs: 1,
      outDir: out,
      onProgress: (p) => steps.push(p),
      onPhase: (p) => phases.push(p),
    });
    expect(report.target).toBe('latency');
    expect(report.unit).toBe('ms');
    expect(report.loss).toBe('categorical');
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: report.steps }, (_, i) => i + 1));
    expect(steps.every((s) => s.totalSteps === 30 && s.unit === 'ms' && Number.isFinite(s.loss))).toBe(true);
    expect(phases.slice(0, 2)).toEqual(['reading data', 'shrinking']);
    expect(phases).toContain('building the shrunk model');
    expect(phases).toContain('retraining the shrunk model from scratch');
    for (const [layer, count] of Object.entries(report.structure)) expect(count).toBeLessThanOrEqual(report.seedStructure[layer] ?? 0);
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(await fs.readFile(path.join(out, 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const shrunk = await loadModelFile(path.join(out, 'model.json'));
    expect(networkCost(buildGraph(shrunk), latencyTarget(device)).total).toBeCloseTo(report.finalCost, 9);
  });

  test('on a tf.data.Dataset of batches', async () => {
    const images = (await loadData({ path: photos }, { inputShape: [16, 16, 3], outputUnits: 3, labels: 'classes' })).train as ImageDataset;
    const dataset = tfd.generator(() => images.batches({ batchSize: 8, labels: 'index' }) as unknown as Iterator<tf.TensorContainer>);
    const report = await shrink({ model: modelFile, target: 'flops', data: dataset, goal: { kind: 'strength', strength: 0.5 }, epochs: 2, checkEvery: 3, outDir: at('shrunk-tfdata') });
    expect(report.target).toBe('flops');
    expect(report.steps).toBe(6);
    expect(existsSync(at('shrunk-tfdata', 'learned_structure', 'alive_6.json'))).toBe(true);
  });

  test('an AbortSignal stops it between steps; `resume` continues from the step it stopped at', async () => {
    const out = at('shrunk-resumed');
    const stop = new AbortController();
    const options = { model: modelFile, profile: device, data: { path: photos }, goal: { kind: 'ratio', ratio: 0.95 }, steps: 20, checkEvery: 10, batchSize: 8, outDir: out } as const;
    const error = await shrink({ ...options, signal: stop.signal, onProgress: (p) => p.step === 4 && stop.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(existsSync(path.join(out, 'learned_structure', 'alive_4.json'))).toBe(true);
    expect(existsSync(path.join(out, 'model.json'))).toBe(false);
    const seen: number[] = [];
    const report = await shrink({ ...options, resume: true, onProgress: (p) => seen.push(p.step) });
    expect(seen[0]).toBe(5);
    expect(report.steps).toBe(20);
  });
});

describe('expand and compare', () => {
  test('expand widens a learned structure to the seed\'s latency and writes its model', async () => {
    const learned = { conv2d: 4, separable_conv2d: 4, conv2d_1: 2 };
    const expanded = await expand({ model: modelFile, structure: learned, profile: device, to: 'seed', outDir: at('expanded') });
    expect(expanded.unit).toBe('ms');
    expect(expanded.multiplier).toBeGreaterThan(1);
    expect(expanded.cost).toBeLessThanOrEqual(expanded.goal);
    expect(expanded.goal).toBe(expanded.seedCost);
    const model = await loadModelFile(at('expanded', 'model.json'));
    expect(model.getLayer('conv2d').getConfig()['filters']).toBe(expanded.structure['conv2d']);
    await expect(expand({ model: modelFile, structure: learned, target: 'flops', to: { ms: 2 } })).rejects.toThrow('`to.ms` is a latency, but the target is in FLOPs');
  });

  test('compare prices given architectures on every device and writes compare.json', async () => {
    const other = { ...device, name: `${device.name}-copy` };
    const result = await compare({
      model: modelFile,
      devices: [
        { profile: at('wasm.json'), structure: { conv2d: 8, separable_conv2d: 8, conv2d_1: 4 } },
        { profile: other, structure: { conv2d: 16, separable_conv2d: 4, conv2d_1: 8 } },
      ],
      outDir: at('compare'),
      measure: false,
    });
    expect(result.devices.map((d) => d.name)).toEqual([device.name, other.name]);
    expect(result.predictedMs).toHaveLength(2);
    expect(result.predictedMs[0]).toEqual(result.predictedMs[1]);
    expect(JSON.parse(await fs.readFile(at('compare', 'compare.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
  });
});
