/**
 * Streamed data for the training loop: a real tf.data.Dataset of `{ xs, ys }` (batched, or one example per
 * element, batched at the asked size), an async generator function (a new pass each epoch), a one-shot async
 * iterator (one pass, then a clear error); labels read as classes or targets from the first batch; tensors
 * disposed after use; malformed streams are one DataError.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { DataError, UsageError } from '../src/errors.js';
import { flopsTarget } from '../src/costs/index.js';
import { runShrink } from '../src/shrink/index.js';
import { streamSource } from '../src/train/data/stream.js';
import type { StreamElement } from '../src/train/data/stream.js';
import { evaluate, train } from '../src/train/index.js';
import type { StepInfo } from '../src/train/index.js';
import { mulberry32 } from '../src/util/random.js';

/** `n` examples of 4 features; the class is which of the first 3 features is largest. */
function examples(n: number, seed: number): { x: number[][]; y: number[] } {
  const rand = mulberry32(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: 4 }, () => rand()));
  const y = x.map((row) => row.slice(0, 3).indexOf(Math.max(...row.slice(0, 3))));
  return { x, y };
}

function classifier(seed: number, activation: 'softmax' | 'linear' = 'softmax', units = 3): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
      tfl.layers.dense({ units, activation, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

const expectOf = (model: tfl.LayersModel) => ({ inputShape: model.inputs[0]?.shape.slice(1) ?? [], outputUnits: model.outputs[0]?.shape.at(-1) ?? 1 });

/** Batches of `size` as new tensors every time the generator runs. */
function batchesOf(x: number[][], y: number[], size: number, labels: 'int' | 'one-hot' = 'int') {
  return async function* (): AsyncGenerator<StreamElement> {
    for (let i = 0; i < x.length; i += size) {
      const ys = labels === 'int' ? tf.tensor1d(y.slice(i, i + size), 'int32') : tf.cast(tf.oneHot(tf.tensor1d(y.slice(i, i + size), 'int32'), 3), 'float32');
      yield { xs: tf.tensor2d(x.slice(i, i + size)), ys };
    }
  };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

beforeAll(async () => {
  await initBackend('cpu');
});

describe('a tf.data.Dataset', () => {
  const { x, y } = examples(96, 1);

  test('of batches: trains for its batches per epoch; the loss falls; no tensor is left behind', async () => {
    const dataset = tfd.zip({ xs: tfd.array(x).map((r) => tf.tensor1d(r as number[])), ys: tfd.array(y).map((l) => tf.scalar(l as number, 'int32')) }).batch(16);
    const model = classifier(1);
    const start = tf.memory().numTensors;
    const data = await streamSource(dataset, expectOf(model));
    expect(data.inputShape).toEqual([4]);
    expect(data.labelSpec).toEqual({ kind: 'classes', count: 3 });
    expect(data.batchCount(999)).toBe(6);
    const steps: StepInfo[] = [];
    const result = await train(model, data, { epochs: 30, learningRate: 0.02, onStep: (s) => steps.push(s) });
    expect(result).toMatchObject({ state: 'completed', steps: 180, epochs: 30, examples: 96 * 30 });
    expect(steps.every((s) => s.stepsPerEpoch === 6 && s.batchSize === 16)).toBe(true);
    expect(mean(steps.slice(-6).map((s) => s.loss))).toBeLessThan(0.6 * mean(steps.slice(0, 6).map((s) => s.loss)));
    const evaluation = await evaluate(model, data);
    expect(evaluation.task === 'classification' && evaluation.accuracy).toBeGreaterThan(0.7);
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });

  test('of single examples: batched at the batch size asked for', async () => {
    const dataset = tfd.array(x.map((row, i) => ({ xs: row, ys: y[i] as number }))).map((e) => {
      const { xs, ys } = e as { xs: number[]; ys: number };
      return { xs: tf.tensor1d(xs), ys: tf.scalar(ys, 'int32') };
    });
    const model = classifier(3);
    const data = await streamSource(dataset, expectOf(model));
    expect(data.size).toBe(96);
    expect(data.batchCount(40)).toBe(3);
    const sizes: number[] = [];
    await train(model, data, { epochs: 1, batchSize: 40, onStep: (s) => sizes.push(s.batchSize) });
    expect(sizes).toEqual([40, 40, 16]);
    model.dispose();
  });
});

describe('async iterables', () => {
  const { x, y } = examples(48, 2);

  test('an async generator function runs again for every epoch; epochs are counted from the first pass', async () => {
    let passes = 0;
    const make = batchesOf(x, y, 12);
    const data = await streamSource(() => {
      passes++;
      return make();
    }, expectOf(classifier(5)));
    expect(data.batchCount(12)).toBeUndefined();
    const model = classifier(5);
    const result = await train(model, data, { epochs: 3 });
    expect(result).toMatchObject({ state: 'completed', steps: 12, epochs: 3 });
    expect(passes).toBe(4);
    expect(data.batchCount(12)).toBe(4);
    model.dispose();
  });

  test('one-hot float labels are classes', async () => {
    const data = await streamSource(batchesOf(x, y, 12, 'one-hot'), expectOf(classifier(7, 'linear')));
    expect(data.labelSpec).toEqual({ kind: 'classes', count: 3 });
    const model = classifier(7, 'linear');
    const result = await train(model, data, { steps: 8 });
    expect(result.lastLoss).toBeGreaterThan(0);
    model.dispose();
  });

  test('float targets train a regression model with mean squared error', async () => {
    const targets = x.map((row) => [row[0]! + 2 * row[1]!]);
    async function* regression(): AsyncGenerator<StreamElement> {
      for (let i = 0; i < x.length; i += 8) yield { xs: tf.tensor2d(x.slice(i, i + 8)), ys: tf.tensor2d(targets.slice(i, i + 8)) };
    }
    const model = classifier(9, 'linear', 1);
    const data = await streamSource(regression, expectOf(model));
    expect(data.labelSpec).toEqual({ kind: 'values', width: 1, integral: false });
    const before = await evaluate(model, data);
    await train(model, data, { epochs: 40, learningRate: 0.01 });
    const after = await evaluate(model, data);
    expect(after.task).toBe('regression');
    if (after.task !== 'regression' || before.task !== 'regression') throw new Error('expected regression');
    expect(after.meanSquaredError).toBeLessThan(0.3 * before.meanSquaredError);
    expect(after.loss).toBeCloseTo(after.meanSquaredError, 5);
    model.dispose();
  });

  test('a one-shot async iterator gives one pass; a second pass is a clear error', async () => {
    const once = batchesOf(x, y, 12)();
    const model = classifier(11);
    const data = await streamSource(once, expectOf(model));
    expect(await train(model, data, { steps: 4 })).toMatchObject({ state: 'completed', steps: 4 });
    await expect(train(model, data, { steps: 4 })).rejects.toThrow(
      'the async iterable gave no batches on pass 2: an async iterator can be read only once; pass a function that returns a new async iterable for every pass, or a tf.data.Dataset',
    );
    model.dispose();
  });

  test('stopping early closes the generator', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<StreamElement> {
      try {
        for (;;) yield { xs: tf.randomUniform([4, 4]), ys: tf.tensor1d([0, 1, 2, 0], 'int32') };
      } finally {
        closed = true;
      }
    }
    const model = classifier(13);
    const start = tf.memory().numTensors;
    const data = await streamSource(endless, expectOf(model));
    expect(await train(model, data, { steps: 5 })).toMatchObject({ state: 'completed', steps: 5, epochs: 0 });
    expect(closed).toBe(true);
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });

  test('a tf.data.Dataset that repeats forever has no epochs: steps are needed', async () => {
    const { x, y } = examples(8, 4);
    const dataset = tfd.zip({ xs: tfd.array(x).map((r) => tf.tensor1d(r as number[])), ys: tfd.array(y).map((l) => tf.scalar(l as number, 'int32')) }).batch(4).repeat();
    const model = classifier(15);
    const data = await streamSource(dataset, expectOf(model));
    await expect(train(model, data, { epochs: 1 })).rejects.toThrow(UsageError);
    await expect(train(model, data, { epochs: 1 })).rejects.toThrow('train: the tf.data.Dataset never ends, so it has no epochs; give steps');
    expect(await train(model, data, { steps: 5 })).toMatchObject({ state: 'completed', steps: 5 });
    model.dispose();
  });
});

describe('shrinking on a stream', () => {
  test('training in chunks between structure checks reads the stream on, not its first batches again', async () => {
    const { x, y } = examples(48, 6);
    let passes = 0;
    const seen: number[] = [];
    async function* numbered(): AsyncGenerator<StreamElement> {
      passes++;
      for (let i = 0; i < 6; i++) {
        seen.push(i);
        yield { xs: tf.tensor2d(x.slice(8 * i, 8 * i + 8)), ys: tf.tensor1d(y.slice(8 * i, 8 * i + 8), 'int32') };
      }
    }
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [4], units: 8, kernelInitializer: tfl.initializers.glorotUniform({ seed: 21 }) }),
        tfl.layers.batchNormalization(),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const data = await streamSource(numbered, expectOf(model));
    const report = await runShrink({ model, target: flopsTarget(), train: data, goal: { kind: 'strength', strength: 0.1 }, steps: 12, checkEvery: 2, outDir: mkdtempSync(path.join(os.tmpdir(), 'morphlat-stream-shrink-')) });
    expect(report.steps).toBe(12);
    expect(passes).toBe(2);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
    model.dispose();
  });
});

describe('malformed streams: one DataError', () => {
  test.each([
    { name: 'an empty stream', stream: async function* () {}, message: 'the async iterable gave no batches' },
    { name: 'no tensors', stream: async function* () { yield { xs: [1, 2], ys: 3 }; }, message: 'the async iterable, batch 1: expected `{ xs, ys }` with a tensor each' },
    {
      name: 'a label outside the model\'s classes',
      stream: async function* () { yield { xs: tf.zeros([2, 4]), ys: tf.tensor1d([0, 5], 'int32') }; },
      message: 'the async iterable, batch 1: label 5 is not one of the model\'s 3 classes (0..2)',
    },
  ])('$name', async ({ stream, message }) => {
    const error = await streamSource(stream as () => AsyncIterable<StreamElement>, { inputShape: [4], outputUnits: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain(message);
  });

  test('a later batch of another shape names the batch', async () => {
    async function* ragged(): AsyncGenerator<StreamElement> {
      yield { xs: tf.zeros([2, 4]), ys: tf.tensor1d([0, 1], 'int32') };
      yield { xs: tf.zeros([2, 5]), ys: tf.tensor1d([0, 1], 'int32') };
    }
    const model = classifier(17);
    const data = await streamSource(ragged, expectOf(model));
    await expect(train(model, data, { steps: 2 })).rejects.toThrow('the async iterable, batch 2: inputs of shape 5, but the first batch had 4');
    model.dispose();
  });

  test('a stream whose examples do not fit the model', async () => {
    const model = classifier(19);
    const data = await streamSource(batchesOf([[1, 2, 3, 4, 5]], [0], 1), { inputShape: [4], outputUnits: 3 });
    await expect(train(model, data, { steps: 1 })).rejects.toThrow('train: the model takes 4 inputs but the examples are 5 (the async iterable)');
    model.dispose();
  });
});
