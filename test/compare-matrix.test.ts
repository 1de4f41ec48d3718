/**
 * compareArchitectures with given structures: the cross matrix is oriented devices × architectures
 * and priced from each row's profile; rows are measured only where the device's backend runs here on
 * the profiled device (the others carry the reason); the breakdown adds up; bad input is refused.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { compareArchitectures, ownMargin } from '../src/compare/index.js';
import type { CompareDeviceInput, CompareResult } from '../src/compare/index.js';
import { latencyTarget, networkCost } from '../src/costs/index.js';
import { StructureError, UsageError } from '../src/errors.js';
import { buildGraph, loadModelFile } from '../src/graph/index.js';
import { buildShrunkModel } from '../src/morph/index.js';
import type { DeviceProfile } from '../src/profile/schema.js';
import { committedProfileHere } from './helpers/profiles.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const QUICK = { rounds: 1, runsPerRound: 3, warmupMs: 0, warmupRuns: 2 } as const;
const narrow = { a: 4, b: 4 };
const wide = { a: 12, b: 12 };

let wasm: DeviceProfile;
let webgpu: DeviceProfile;
let wasmGeneric: DeviceProfile;
const seed = () => tinyResidualModel({ size: 28, channels: 1, classes: 10, width: 12 });

beforeAll(async () => {
  webgpu = await committedProfileHere('llvmpipe-2c-webgpu-resnet-mini');
  wasm = await committedProfileHere('amd-epyc-2c-wasm-resnet-mini');
  wasmGeneric = await committedProfileHere('amd-epyc-2c-wasm');
});

async function shrunkGraph(structure: Record<string, number>) {
  const { model } = await buildShrunkModel(seed(), structure);
  return buildGraph(model);
}

describe('the cross-device matrix', () => {
  let result: CompareResult;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-compare-matrix-'));

  beforeAll(async () => {
    const elsewhere: DeviceProfile = { ...wasm, name: 'another-cpu-wasm', device: { ...wasm.device, cpuModel: 'Some Other CPU' } };
    const native: DeviceProfile = { ...wasm, name: 'native-tensorflow', device: { ...wasm.device, backend: 'tensorflow', tfjsBackend: 'tensorflow' } };
    const devices: CompareDeviceInput[] = [
      { profile: wasm, file: 'wasm.json', structure: narrow },
      { profile: webgpu, structure: wide },
      { profile: wasmGeneric, structure: narrow },
      { profile: elsewhere, structure: wide },
      { profile: native, structure: narrow },
    ];
    result = await compareArchitectures({ model: seed(), modelName: 'tiny', devices, outDir, measure: QUICK });
  });

  test('predictedMs[i][j] is architecture j on device i, from device i\'s profile', async () => {
    const graphs = [await shrunkGraph(narrow), await shrunkGraph(wide), await shrunkGraph(narrow), await shrunkGraph(wide), await shrunkGraph(narrow)];
    const profiles = [wasm, webgpu, wasmGeneric, wasm, wasm];
    expect(result.predictedMs).toHaveLength(5);
    profiles.forEach((profile, i) => {
      expect(result.predictedMs[i]).toEqual(graphs.map((g) => networkCost(g, latencyTarget(profile)).total));
    });
    for (const row of result.predictedMs) expect(row[1]).toBeGreaterThan(row[0]!);
    expect(result.predictedMs[1]![0]).toBeGreaterThan(5 * result.predictedMs[0]![0]!);
  });

  test('each prediction splits by op kind into parts that add up to it', () => {
    result.predictedByKindMs.forEach((row, i) =>
      row.forEach((byKind, j) => {
        expect(Object.values(byKind).reduce((a, b) => a + b, 0)).toBeCloseTo(result.predictedMs[i]![j]!, 9);
        expect(Object.keys(byKind)).toContain('conv2d');
      }),
    );
    const offsets = [wasm, webgpu, wasmGeneric, wasm, wasm].map((p) => p.calibration?.offsetMs ?? 0);
    expect(offsets.some((o) => o > 0)).toBe(true);
    result.predictedByKindMs.forEach((row, i) => row.forEach((byKind) => expect(byKind['constant']).toBe(offsets[i] === 0 ? undefined : offsets[i])));
  });

  test('rows of devices that run here are measured; the others are null with the reason', () => {
    const [w, g, generic, elsewhere, native] = result.devices;
    expect([w, g, generic].map((d) => d?.measuredHere)).toEqual([true, true, true]);
    for (const i of [0, 1, 2]) {
      for (const ms of result.measuredMs[i]!) expect(ms).toBeGreaterThan(0);
      expect(result.devices[i]?.seedMeasuredMs).toBeGreaterThan(0);
    }
    expect(result.measuredMs[2]).toEqual(result.measuredMs[0]);
    expect(elsewhere?.measuredHere).toBe(false);
    expect(elsewhere?.notMeasuredBecause).toMatch(/CPU is Some Other CPU/);
    expect(native?.measuredHere).toBe(false);
    expect(native?.notMeasuredBecause).toMatch(/tensorflow/);
    expect(result.measuredMs[3]).toEqual([null, null, null, null, null]);
    expect(result.measuredMs[4]).toEqual([null, null, null, null, null]);
    expect(result.devices.map((d) => d.backend)).toEqual(['wasm', 'webgpu', 'wasm', 'wasm', 'tensorflow']);
    expect(g?.gpu).toBe(webgpu.device.gpu?.description);
  });

  test('the architectures are complete structures, saved as models in their device\'s folder', async () => {
    expect(result.architectures.map((a) => [a.device, a.source])).toEqual(result.devices.map((d) => [d.name, 'given']));
    expect(result.architectures[0]?.structure).toEqual({ a: 4, b: 4, head: 10 });
    expect(result.architectures[0]?.accuracy).toBeUndefined();
    const saved = await loadModelFile(path.join(result.architectures[1]!.dir, 'model.json'));
    expect(saved.getLayer('a').getConfig()['filters']).toBe(12);
    expect(result.architectures[0]!.parameters).toBeLessThan(result.architectures[1]!.parameters);
    expect(result.model.structure).toEqual({ a: 12, b: 12, head: 10 });
  });

  test('margins say how much faster the own architecture is than the fastest other one', () => {
    result.margins.forEach((m, i) => {
      expect(m.device).toBe(result.devices[i]?.name);
      expect(m.predicted).toBe(ownMargin(result.predictedMs[i]!, i));
      expect(m.measured).toBe(ownMargin(result.measuredMs[i]!, i));
    });
    expect(result.margins[1]!.predicted).toBeLessThan(0);
    expect(result.margins[3]!.measured).toBeNull();
  });
});

describe('ownMargin', () => {
  test.each([
    [[1, 2, 3], 0, 1],
    [[2, 1], 0, -0.5],
    [[4, 2, 5], 1, 1],
    [[null, 1], 0, null],
    [[3, null], 0, null],
    [[2, null, 3], 0, 0.5],
  ] as const)('%j row %d → %s', (row, i, margin) => {
    const m = ownMargin(row, i);
    if (margin === null) expect(m).toBeNull();
    else expect(m).toBeCloseTo(margin, 12);
  });
});

describe('refused input', () => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-compare-bad-'));
  const run = (devices: CompareDeviceInput[]) => compareArchitectures({ model: seed(), modelName: 'tiny', devices, outDir, measure: false });

  test('one device is not a comparison', async () => {
    await expect(run([{ profile: wasm, structure: narrow }])).rejects.toThrow(UsageError);
  });

  test('two profiles of the same name are named in the error', async () => {
    await expect(run([{ profile: wasm, file: 'a.json', structure: narrow }, { profile: wasm, file: 'b.json', structure: wide }])).rejects.toThrow(/a\.json and b\.json are both named `amd-epyc-2c-wasm-resnet-mini`/);
  });

  test('a structure that does not fit the model names its file', async () => {
    const error = await run([{ profile: wasm, structure: narrow }, { profile: webgpu, structure: { nope: 3 }, structureFile: 'gpu.json' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StructureError);
    expect((error as Error).message).toMatch(/^gpu\.json: layer `nope` is not in the model/);
  });

  test('shrinking without training data says what to give', async () => {
    await expect(run([{ profile: wasm, structure: narrow }, { profile: webgpu }])).rejects.toThrow(/shrinking for `llvmpipe-2c-webgpu-resnet-mini` needs training data/);
  });

  test('measure: false measures nothing and says so', async () => {
    const result = await run([{ profile: wasm, structure: narrow }, { profile: webgpu, structure: wide }]);
    expect(result.measuredMs).toEqual([[null, null], [null, null]]);
    expect(result.devices.every((d) => d.notMeasuredBecause === 'measuring was turned off')).toBe(true);
    expect(result.settings.measure).toBeNull();
  });
});
