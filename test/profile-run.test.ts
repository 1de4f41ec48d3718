import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { latencyTarget, networkCost } from '../src/costs/index.js';
import { CancelledError } from '../src/errors.js';
import { buildGraph } from '../src/graph/index.js';
import { parseProfile } from '../src/profile/io.js';
import type { DeviceProfile } from '../src/profile/schema.js';
import { runProfile } from '../profilers/run.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

describe.each(['cpu', 'wasm', 'webgpu'])('a short real profile on %s', (name) => {
  test('measures, fits, calibrates and validates a model-specific profile', async () => {
    const backend = await initBackend(name);
    const model = tinyResidualModel({ size: 16, width: 32 });
    const phases = new Set<string>();
    const profile = await runProfile({ backend, model: { model, name: 'tiny' }, budgetSeconds: 10, onProgress: (p) => phases.add(p.phase) });
    expect(parseProfile(profile)).toEqual(profile);
    expect(profile.status).toBe('complete');
    expect(profile.device.backend).toBe(name);
    expect(profile.model?.name).toBe('tiny');
    expect([...phases]).toEqual(['roofline', 'sweep', 'fit', 'end-to-end', 'done']);
    expect(profile.roofline!.gflops['conv2d']).toBeGreaterThan(0);
    expect(profile.roofline!.bandwidthGBps).toBeGreaterThan(0);
    const graph = buildGraph(model);
    const kinds = new Set(profile.ops.map((o) => o.geometry.kind));
    for (const op of graph.ops.filter((o) => o.kind !== 'input')) expect(kinds.has(op.kind)).toBe(true);
    for (const op of profile.ops) {
      expect(op.fit).not.toBeNull();
      if (op.geometry.kind === 'conv2d') {
        const points = [...op.samples, ...op.heldOut];
        expect(points.length).toBeGreaterThanOrEqual(4);
        expect(new Set(points.map((s) => s[1])).size).toBeGreaterThanOrEqual(3);
      }
      if (name === 'webgpu') expect(op.samples.some((s) => s[3] !== null)).toBe(true);
    }
    expect(profile.calibrationPoints.length).toBeGreaterThanOrEqual(3);
    expect(profile.validation.endToEnd!.count).toBeGreaterThanOrEqual(3);
    if (name !== 'webgpu') expect(profile.calibration?.hiddenMs).toBeUndefined();
    const variants = [...profile.calibrationPoints, ...(profile.validation.endToEndPoints ?? [])].filter((p) => p.label !== 'seed');
    const narrowest = variants.map((p) => Math.min(...Object.values(p.structure)));
    expect(narrowest.some((w) => w < 32 / 4)).toBe(true);
    expect(narrowest.some((w) => w >= 32 / 4)).toBe(true);
    const target = latencyTarget(profile);
    for (const op of graph.ops.filter((o) => o.kind !== 'input')) expect(target.sourceOf(op)).toBe('signature');
    const total = networkCost(graph, target).total;
    expect(total).toBeGreaterThan(0);
    const smaller = networkCost(graph, target, { a: 4, b: 4 }).total;
    expect(smaller).toBeLessThan(total);
    model.dispose();
  });
});

describe('profiling and memory', () => {
  test('a profile run leaves no tensors behind, ReLU6 layers included', async () => {
    await initBackend('wasm');
    const input = tfl.input({ shape: [12, 12, 3] });
    const conv = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tfl.SymbolicTensor;
    const clipped = tfl.layers.reLU({ maxValue: 6 }).apply(tfl.layers.batchNormalization({}).apply(conv)) as tfl.SymbolicTensor;
    const pooled = tfl.layers.globalAveragePooling2d({}).apply(clipped) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 4 }).apply(pooled) as tfl.SymbolicTensor });
    const before = tf.memory().numTensors;
    const profile = await runProfile({ backend: await initBackend('wasm'), model: { model, name: 'relu6' }, budgetSeconds: 6 });
    expect(profile.status).toBe('complete');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('interrupted profiling', () => {
  test('keeps what it measured and resumes to a complete profile', async () => {
    const backend = await initBackend('wasm');
    const model = tinyResidualModel();
    const controller = new AbortController();
    const checkpoints: DeviceProfile[] = [];
    const first = await runProfile({
      backend,
      model: { model, name: 'tiny' },
      budgetSeconds: 10,
      signal: controller.signal,
      onCheckpoint: async (p) => {
        checkpoints.push(p);
        if (p.done.filter((d) => d.startsWith('sweep:')).length === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(CancelledError);
    const partial = checkpoints[checkpoints.length - 1]!;
    expect(partial.status).toBe('partial');
    expect(partial.done).toContain('roofline');
    const swept = partial.done.filter((d) => d.startsWith('sweep:'));
    expect(swept).toHaveLength(2);

    const resumedCheckpoints: DeviceProfile[] = [];
    const resumed = await runProfile({
      backend,
      model: { model, name: 'tiny' },
      budgetSeconds: 10,
      resume: partial,
      onCheckpoint: async (p) => {
        resumedCheckpoints.push(p);
      },
    });
    expect(resumed.status).toBe('complete');
    expect(resumed.roofline).toEqual(partial.roofline);
    for (const signature of swept.map((d) => d.slice('sweep:'.length))) {
      const before = partial.ops.find((o) => o.signature === signature)!;
      const after = resumed.ops.find((o) => o.signature === signature)!;
      expect(after.samples).toEqual(before.samples);
    }
    expect(resumed.ops.length).toBeGreaterThan(partial.ops.length);
    expect(resumed.profilingSeconds).toBeGreaterThanOrEqual(partial.profilingSeconds);
    model.dispose();
  });

  test('refuses to resume a profile of another backend or model', async () => {
    const backend = await initBackend('cpu');
    const model = tinyResidualModel();
    const controller = new AbortController();
    let partial: DeviceProfile | undefined;
    await runProfile({
      backend,
      model: { model, name: 'tiny' },
      budgetSeconds: 10,
      signal: controller.signal,
      onCheckpoint: async (p) => {
        partial = p;
        controller.abort();
      },
    }).catch(() => undefined);
    const wasm = await initBackend('wasm');
    await expect(runProfile({ backend: wasm, model: { model, name: 'tiny' }, resume: partial! })).rejects.toThrow(/backend `cpu`, not `wasm`/);
    await expect(runProfile({ backend, resume: partial! })).rejects.toThrow(/another model/);
    model.dispose();
  });
});
