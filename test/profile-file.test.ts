import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { profileName } from '../profilers/run.js';
import type { ActiveBackend, GpuIdentity } from '../src/backends/types.js';
import { ProfileError } from '../src/errors.js';
import { readProfile, writeProfile } from '../src/profile/io.js';
import { PROFILE_SCHEMA } from '../src/profile/schema.js';
import type { DeviceProfile } from '../src/profile/schema.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-profile-'));

function profile(): DeviceProfile {
  const now = '2026-11-28T00:00:00.000Z';
  return {
    schema: PROFILE_SCHEMA,
    name: 'test-wasm',
    status: 'complete',
    createdAt: now,
    updatedAt: now,
    device: { backend: 'wasm', tfjsBackend: 'wasm', tfjsVersion: '4.22.0', runtime: 'node', os: 'Linux', cpuModel: 'cpu', cpuCores: 2, threads: 1 },
    batch: 1,
    budgetSeconds: 120,
    profilingSeconds: 42,
    model: { name: 'resnet-mini', fingerprint: 'abc' },
    roofline: { gflops: { conv2d: 20 }, bandwidthGBps: 30, overheadUs: 10 },
    ops: [
      {
        signature: 'Conv2D|x',
        geometry: {
          kind: 'conv2d', className: 'Conv2D', inputShapes: [[8, 8, 4]], outputShape: [8, 8, 4], kernel: [3, 3], strides: [1, 1],
          dilation: [1, 1], padding: 'same', depthMultiplier: 1, useBias: false, activation: 'linear', config: { kernelSize: [3, 3] },
        },
        maxIn: 4,
        maxOut: 4,
        layers: ['conv'],
        samples: [[4, 4, 0.1, null], [2, 3, 0.05, 0.04]],
        heldOut: [],
        fit: { family: 'conv', qIn: 1, qOut: 4, coef: [0.01, 0.02, 0, 0, 0], residuals: [[4, 4, 1.01]], trainError: { median: 0.01, within10: 1 } },
      },
    ],
    families: [],
    calibration: { scale: 1.1, perOpMs: 0, offsetMs: 0.05, points: 4 },
    calibrationPoints: [{ label: 'seed', model: 'resnet-mini', structure: {}, predictedMs: 1, measuredMs: 1.02 }],
    validation: { heldOutPoints: { count: 3, medianAbsError: 0.02, within10: 1 }, endToEnd: null, endToEndPoints: [] },
    done: ['roofline'],
  };
}

describe('device profile files', () => {
  test('round trip keeps every field', async () => {
    const file = path.join(dir, 'round.json');
    await writeProfile(file, profile());
    expect(await readProfile(file)).toEqual(profile());
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  const broken: [string, (p: Record<string, any>) => unknown, RegExp][] = [
    ['another schema version', (p) => ({ ...p, schema: 'morphlat/device-profile@2' }), /`schema` is "morphlat\/device-profile@2"/],
    ['a missing device', (p) => ({ ...p, device: undefined }), /field `device`/],
    ['a negative sample time', (p) => { p.ops[0].samples[0][2] = -1; return p; }, /field `ops\.0\.samples\.0\.2`/],
    ['a non-finite coefficient', (p) => { p.ops[0].fit.coef[1] = null; return p; }, /field `ops\.0\.fit\.coef\.1`/],
    ['a negative hidden per-op time', (p) => ({ ...p, calibration: { ...p.calibration, hiddenMs: -0.1 } }), /field `calibration\.hiddenMs`/],
    ['a wrong status', (p) => ({ ...p, status: 'half' }), /field `status`/],
    ['a fractional batch', (p) => ({ ...p, batch: 1.5 }), /field `batch`/],
    ['an unknown padding', (p) => { p.ops[0].geometry.padding = 'causal'; return p; }, /field `ops\.0\.geometry\.padding`/],
    ['not an object', () => [1, 2], /field `\(root\)`|expected object/],
  ];

  test.each(broken)('%s is refused naming the field', async (_name, edit, message) => {
    const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(edit(structuredClone(profile()) as Record<string, any>)));
    const error = await readProfile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(file);
  });

  test('a truncated file is refused as such', async () => {
    const file = path.join(dir, 'truncated.json');
    await writeProfile(file, profile());
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length / 2));
    await expect(readProfile(file)).rejects.toThrow(/not valid JSON.*truncated/);
  });

  test('a missing file is refused', async () => {
    await expect(readProfile(path.join(dir, 'nope.json'))).rejects.toThrow(/nope\.json: no such file/);
  });

  test('a profile of another backend is refused where one backend is asked for', async () => {
    const file = path.join(dir, 'wasm.json');
    await writeProfile(file, profile());
    await expect(readProfile(file, { backend: 'webgpu' })).rejects.toThrow(/profile is for backend `wasm`, not `webgpu`/);
    await expect(readProfile(file, { backend: 'wasm' })).resolves.toMatchObject({ name: 'test-wasm' });
  });

  test('writing an invalid profile leaves the old file untouched', async () => {
    const file = path.join(dir, 'keep.json');
    await writeProfile(file, profile());
    const before = readFileSync(file, 'utf8');
    await expect(writeProfile(file, { ...profile(), batch: 0 })).rejects.toBeInstanceOf(ProfileError);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('committed device profiles', () => {
  const root = path.join(import.meta.dirname, '..', 'device-profiles');
  const files = readdirSync(root).filter((f) => f.endsWith('.json'));

  test.each(files)('%s loads and is named after its file', async (file) => {
    const p = await readProfile(path.join(root, file));
    expect(`${p.name}.json`).toBe(file);
    expect(p.status).toBe('complete');
  });
});

describe('profile names', () => {
  const webgpu = (gpu: GpuIdentity, cpuCores: number): ActiveBackend => ({
    name: 'webgpu',
    kernelTimer: 'device',
    identity: { backend: 'webgpu', tfjsBackend: 'webgpu', tfjsVersion: '4.22.0', runtime: 'node', os: 'Linux', cpuModel: 'AMD EPYC', cpuCores, threads: 1, gpu },
  });

  test('a hardware adapter is named by its device, a software renderer by its driver', () => {
    const h200 = { vendor: 'nvidia', architecture: '', device: 'nvidia-h200', description: 'NVIDIA: 580.159.04 580.159.4.0' };
    const lavapipe = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)' };
    expect(profileName(webgpu(h200, 16))).toBe('nvidia-h200-16c-webgpu');
    expect(profileName(webgpu(lavapipe, 2), 'resnet-mini')).toBe('llvmpipe-2c-webgpu-resnet-mini');
    expect(profileName(webgpu({ ...h200, device: '' }, 16))).toBe('nvidia-16c-webgpu');
  });
});
