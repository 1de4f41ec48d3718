/**
 * model.json IO: a zoo model saved with saveModelFiles and reloaded with loadModelFile is the same graph
 * with the same predictions; broken files raise ModelFileError naming the file.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ModelFileError } from '../src/errors.js';
import { buildGraph, loadModelFile, saveModelFiles } from '../src/graph/index.js';
import { ZOO, zooEntry } from '../src/zoo/index.js';
import { useCpu } from './helpers/tf.js';

let tmp: string;
/** A saved resnet-mini to break copies of. */
let good: { json: string; weights: Buffer };

beforeAll(async () => {
  await useCpu();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-model-file-'));
  const dir = path.join(tmp, 'good');
  await saveModelFiles(zooEntry('resnet-mini').build(), dir);
  good = { json: await fs.readFile(path.join(dir, 'model.json'), 'utf8'), weights: await fs.readFile(path.join(dir, 'weights.bin')) };
});

afterAll(async () => {
  if (tmp !== undefined) await fs.rm(tmp, { recursive: true, force: true });
});

describe('save and reload', () => {
  test.each(ZOO.map((m) => m.name))('%s: same graph and same predictions', async (name) => {
    const model = zooEntry(name).build({ seed: 7 });
    // Perturb every weight, so that a reload that re-ran the (seeded) initializers instead of reading
    // weights.bin would predict differently: kernels shifted, 1-D weights (BN, biases) scaled.
    model.setWeights(
      model.getWeights().map((w, i) =>
        tf.tidy(() =>
          w.rank >= 2
            ? tf.add(w, tf.randomUniform(w.shape, -0.05, 0.05, 'float32', 100 + i))
            : tf.mul(w, tf.randomUniform(w.shape, 0.8, 1.2, 'float32', 100 + i)),
        ),
      ),
    );
    const dir = path.join(tmp, `roundtrip-${name}`);
    await saveModelFiles(model, dir);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);

    const loaded = await loadModelFile(path.join(dir, 'model.json'));
    expect(buildGraph(loaded)).toEqual(buildGraph(model));
    expect(loaded.countParams()).toBe(model.countParams());

    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 11);
    const expected = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    const got = (loaded.predict(x) as tf.Tensor).arraySync() as number[][];
    expect(got).toHaveLength(3);
    for (const [i, row] of got.entries()) {
      expect(row).toHaveLength(10);
      row.forEach((v, j) => expect(Math.abs(v - (expected[i]?.[j] ?? NaN))).toBeLessThanOrEqual(1e-6));
    }
    // the comparison discriminates: a fresh model with the same seeds predicts differently
    const fresh = (zooEntry(name).build({ seed: 7 }).predict(x) as tf.Tensor).arraySync() as number[][];
    const largest = Math.max(...fresh.flatMap((row, i) => row.map((v, j) => Math.abs(v - (got[i]?.[j] ?? NaN)))));
    expect(largest).toBeGreaterThan(1e-4);
    x.dispose();
  });

  test('the weights file holds 4 bytes per float32 parameter', async () => {
    const model = zooEntry('resnet-mini').build();
    // every weight (trainable or not: BN moving statistics too) is float32
    expect(good.weights.byteLength).toBe(4 * model.countParams());
  });
});

/** Writes a broken copy of the good model into its own folder; returns the model.json path. */
async function brokenCopy(name: string, files: { json?: string; weights?: Buffer | null }): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.json'), files.json ?? good.json);
  if (files.weights !== null) await fs.writeFile(path.join(dir, 'weights.bin'), files.weights ?? good.weights);
  return path.join(dir, 'model.json');
}

async function loadError(file: string): Promise<ModelFileError> {
  let error: unknown;
  try {
    await loadModelFile(file);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ModelFileError);
  return error as ModelFileError;
}

describe('broken files raise ModelFileError naming the file', () => {
  test.each([
    ['malformed JSON', 'malformed', () => '{ "modelTopology": { not json'],
    ['truncated model.json', 'truncated-json', () => good.json.slice(0, Math.floor(good.json.length / 2))],
    ['an empty model.json', 'empty-json', () => ''],
    ['JSON that is not a model', 'not-a-model', () => JSON.stringify({ hello: 'world' })],
  ])('%s names model.json', async (_what, dirName, json) => {
    const file = await brokenCopy(dirName, { json: json() });
    const e = await loadError(file);
    expect(e.code).toBe('E_MODEL_FILE');
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
  });

  test('a missing model.json', async () => {
    const file = path.join(tmp, 'nowhere', 'model.json');
    const e = await loadError(file);
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
  });

  test('a missing weights file names the weights file', async () => {
    const file = await brokenCopy('missing-weights', { weights: null });
    const e = await loadError(file);
    const weights = path.join(path.dirname(file), 'weights.bin');
    expect(e.file).toBe(weights);
    expect(e.message).toContain(weights);
    expect(e.message).toMatch(/missing/);
  });

  test.each([
    ['half', (b: Buffer) => b.subarray(0, Math.floor(b.byteLength / 2))],
    ['one byte short', (b: Buffer) => b.subarray(0, b.byteLength - 1)],
    ['empty', () => Buffer.alloc(0)],
  ])('a truncated weights.bin (%s) names the weights file and the sizes', async (what, cut) => {
    const weights = cut(good.weights);
    const file = await brokenCopy(`truncated-weights-${what.replace(/ /g, '-')}`, { weights });
    const e = await loadError(file);
    const weightsFile = path.join(path.dirname(file), 'weights.bin');
    expect(e.file).toBe(weightsFile);
    expect(e.message).toContain(weightsFile);
    expect(e.message).toContain(String(good.weights.byteLength));
    expect(e.message).toContain(String(weights.byteLength));
  });
});
