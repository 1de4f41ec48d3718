/**
 * initBackend: cpu, wasm and webgpu (Dawn on lavapipe here) really start and compute a conv like cpu
 * does; the optional tfjs-node backends fail with a clear BackendUnavailableError saying what to
 * install; an unknown name is a UsageError. WebGPU is not optional here: if it cannot start, this fails.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { BACKEND_NAMES, initBackend } from '../src/backends/index.js';
import { BackendUnavailableError, UsageError } from '../src/errors.js';

/** A small conv with a stride and bias-free SAME padding, on fixed inputs; returns its values. */
async function smallConv(): Promise<Float32Array> {
  const x = tf.tensor4d(
    Array.from({ length: 2 * 7 * 6 * 3 }, (_, i) => Math.sin(0.37 * i)),
    [2, 7, 6, 3],
  );
  const w = tf.tensor4d(
    Array.from({ length: 3 * 3 * 3 * 5 }, (_, i) => Math.cos(0.11 * i) / 4),
    [3, 3, 3, 5],
  );
  const y = tf.relu(tf.conv2d(x, w, [2, 1], 'same'));
  const values = (await y.data()) as Float32Array;
  tf.dispose([x, w, y]);
  return values;
}

let reference: Float32Array;

beforeAll(async () => {
  const cpu = await initBackend('cpu');
  expect(cpu.name).toBe('cpu');
  reference = await smallConv();
});

describe.each(['cpu', 'wasm', 'webgpu'] as const)('%s', (name) => {
  test('starts, becomes the active tfjs backend and describes itself', async () => {
    const active = await initBackend(name);
    expect(tf.getBackend()).toBe(name);
    expect(active.name).toBe(name);
    expect(active.identity.backend).toBe(name);
    expect(active.identity.tfjsBackend).toBe(name);
    expect(active.identity.runtime).toBe('node');
    expect(active.identity.tfjsVersion).toBe(tf.version_core);
    expect(active.identity.cpuCores).toBeGreaterThan(0);
    expect(active.identity.threads).toBeGreaterThanOrEqual(1);
  });

  test('computes a small conv like the cpu backend, within 1e-4', async () => {
    await initBackend(name);
    expect(tf.getBackend()).toBe(name);
    const got = await smallConv();
    // [2, 4, 6, 5]: stride 2 over 7 rows with SAME padding gives 4
    expect(got).toHaveLength(2 * 4 * 6 * 5);
    expect(reference.some((v) => v > 0.1)).toBe(true);
    let worst = 0;
    got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (reference[i] ?? NaN)))));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  test('starting it again is harmless', async () => {
    await initBackend(name);
    await initBackend(name);
    expect(tf.getBackend()).toBe(name);
  });
});

describe('kernel timers', () => {
  test('webgpu times kernels on the device and reports its adapter', async () => {
    const webgpu = await initBackend('webgpu');
    expect(webgpu.kernelTimer).toBe('device');
    expect(webgpu.identity.gpu).toBeDefined();
    expect(typeof webgpu.identity.gpu?.vendor).toBe('string');
  });

  test.each(['cpu', 'wasm'] as const)('%s times kernels by the wall clock', async (name) => {
    expect((await initBackend(name)).kernelTimer).toBe('wall');
  });
});

describe('unavailable and unknown backends', () => {
  test.each([
    ['tensorflow', '@tensorflow/tfjs-node'],
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
  ] as const)('%s without %s: BackendUnavailableError saying to install it', async (name, pkg) => {
    // this machine does not have the optional package; the clear error is the behaviour under test
    expect(() => createRequire(import.meta.url).resolve(pkg)).toThrow();
    await initBackend('cpu');
    let error: unknown;
    try {
      await initBackend(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BackendUnavailableError);
    const e = error as BackendUnavailableError;
    expect(e.code).toBe('E_BACKEND_UNAVAILABLE');
    expect(e.backend).toBe(name);
    expect(e.message).toMatch(/install/);
    expect(e.message).toContain(pkg);
    // the active backend is untouched
    expect(tf.getBackend()).toBe('cpu');
  });

  test.each(['nope', 'CPU', 'gpu', ''])('%j is a UsageError listing the backends', async (name) => {
    await expect(initBackend(name)).rejects.toBeInstanceOf(UsageError);
    await expect(initBackend(name)).rejects.toThrow(BACKEND_NAMES.join(', '));
  });
});
