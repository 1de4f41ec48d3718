/**
 * A model we did not write, end to end from the command line: a Keras-style functional model (converted
 * format; ZeroPadding2D, SeparableConv2D, a two-way Concatenate, Dropout, a Dense head) on a folder of PNG
 * and JPEG images the test makes. Profile wasm on its layers, shrink it for that latency, and the shrunk
 * model.json loads, predicts and trains.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { loadModelFile } from '../src/graph/index.js';
import { shrink } from '../src/index.js';
import { evaluate, expectationFor, loadData, train } from '../src/train/index.js';
import { ensureBuilt, linesOf, runCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';
import { kerasStyleModel, saveAsConvertedFromKeras, writeImageFolder } from './helpers/own-data.js';

let tmp: string;
let shrinking: CliResult;
const at = (...parts: string[]) => path.join(tmp, ...parts);

beforeAll(async () => {
  ensureBuilt();
  await initBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-foreign-'));
  await saveAsConvertedFromKeras(kerasStyleModel({ size: 16 }), at('my-model'));
  await writeImageFolder(at('photos'), { perClass: 8 });
  const profiling = await runCli(['profile', '--backend', 'wasm', '--model', at('my-model', 'model.json'), '--budget-s', '10', '--out', at('wasm.json')]);
  if (profiling.code !== 0) throw new Error(`profile failed: ${profiling.stderr}`);
  shrinking = await runCli([
    'shrink', '--model', at('my-model', 'model.json'), '--data', at('photos'), '--validation-split', '0.25',
    '--target', 'latency', '--profile', at('wasm.json'), '--target-ratio', '0.95', '--steps', '60', '--batch-size', '8',
    '--retrain-epochs', '1', '--out', at('shrunk'),
  ]);
}, 180_000);

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('a Keras-style model that is not in the zoo', () => {
  test('the converted model.json is what the Keras converter writes, with the unusual layers', async () => {
    const json = JSON.parse(await fs.readFile(at('my-model', 'model.json'), 'utf8'));
    expect(json.modelTopology.class_name).toBe('Functional');
    const classes = json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name);
    expect(classes).toEqual(expect.arrayContaining(['ZeroPadding2D', 'SeparableConv2D', 'Concatenate', 'Dropout', 'Dense']));
  });

  test('the device profile covers its own layers', async () => {
    const profile = JSON.parse(await fs.readFile(at('wasm.json'), 'utf8'));
    expect(profile.status).toBe('complete');
    expect(profile.model.name).toBe('my-model');
    expect(profile.ops.flatMap((o: { layers: string[] }) => o.layers)).toEqual(expect.arrayContaining(['conv2d', 'separable_conv2d', 'conv2d_1']));
  });

  test('shrink for its latency on the image folder: the structure is no wider than the seed, and the report says so', async () => {
    expect(shrinking.code, shrinking.stderr).toBe(0);
    expect(shrinking.stderr).toContain(`data: 24 images in 3 classes (blue, green, red) from ${at('photos')}: 18 training and 6 validation images`);
    expect(shrinking.stdout).toMatch(/^latency: \d+\.\d+ → \d+\.\d+ ms \(\d+\.\d% of the seed\)/m);
    expect(shrinking.stdout).toMatch(/validation accuracy of the shrunk model retrained from scratch: \d+\.\d\d%/);
    const report = JSON.parse(await fs.readFile(at('shrunk', 'report.json'), 'utf8'));
    expect(report.seedStructure).toEqual({ conv2d: 16, separable_conv2d: 16, conv2d_1: 8, dense: 3 });
    for (const [layer, count] of Object.entries(report.structure as Record<string, number>)) expect(count).toBeLessThanOrEqual(report.seedStructure[layer]);
    expect(report.finalCost).toBeLessThanOrEqual(report.initialCost);
    const predicted = await runCli(['predict', '--profile', at('wasm.json'), '--model', at('shrunk', 'model.json'), '--json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout).predictedMs).toBeCloseTo(report.finalCost, 9);
  });

  test('the shrunk model.json loads at the shrunk widths and predicts class probabilities', async () => {
    const report = JSON.parse(await fs.readFile(at('shrunk', 'report.json'), 'utf8'));
    const model = await loadModelFile(at('shrunk', 'model.json'));
    const stem = model.getLayer('conv2d');
    expect(stem.getConfig()['filters']).toBe(report.structure.conv2d);
    const y = model.predict(tf.randomUniform([2, 16, 16, 3])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    for (const row of (await y.array()) as number[][]) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    tf.dispose(y);
    model.dispose();
  });

  test('the shrunk model trains on: from the CLI, and its loss falls in a longer run', async () => {
    const r = await runCli(['train', '--model', at('shrunk', 'model.json'), '--data', at('photos'), '--validation-split', '0.25', '--steps', '3', '--batch-size', '8', '--out', at('trained')]);
    expect(r.code, r.stderr).toBe(0);
    const losses = linesOf(r.stderr).map((l) => /loss (\d+\.\d+)/.exec(l)?.[1]).filter((l): l is string => l !== undefined).map(Number);
    expect(losses.length).toBeGreaterThan(0);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(r.stdout).toMatch(/validation accuracy: \d+\.\d\d% \(loss \d+\.\d+, 6 images\)/);

    await initBackend('wasm');
    const model = await loadModelFile(at('shrunk', 'model.json'));
    const data = await loadData({ path: at('photos') }, expectationFor(model));
    const before = await evaluate(model, data.train);
    await train(model, data.train, { steps: 40, batchSize: 8, learningRate: 0.01 });
    const after = await evaluate(model, data.train);
    expect(after.loss).toBeLessThan(before.loss);
    model.dispose();
  });

  test('a Keras Sequential model (converted) shrinks too, from the library', async () => {
    const sequential = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, strides: 2, useBias: false, kernelInitializer: tfl.initializers.heNormal({ seed: 1 }) }),
        tfl.layers.batchNormalization(),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: tfl.initializers.heNormal({ seed: 2 }), pointwiseInitializer: tfl.initializers.heNormal({ seed: 3 }) }),
        tfl.layers.batchNormalization(),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const file = await saveAsConvertedFromKeras(sequential, at('sequential'));
    const report = await shrink({ model: file, target: 'flops', data: { path: at('photos') }, goal: { kind: 'ratio', ratio: 0.6 }, steps: 40, checkEvery: 10, batchSize: 8, outDir: at('sequential-shrunk') });
    expect(Object.keys(report.seedStructure).length).toBe(3);
    expect(report.finalCost).toBeLessThan(report.initialCost);
    const shrunk = await loadModelFile(at('sequential-shrunk', 'model.json'));
    expect(shrunk.outputs[0]?.shape).toEqual([null, 3]);
    shrunk.dispose();
  });
});
