import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { CancelledError, DataError, UsageError } from '../src/errors.js';
import type { ImageDataset } from '../src/train/data/dataset.js';
import { loadFashionMnist } from '../src/train/data/fashion-mnist.js';
import { evaluate } from '../src/train/evaluate.js';
import { categoricalCrossEntropy, classificationLossFor, softmaxCrossEntropy } from '../src/train/loss.js';
import { train, type StepInfo } from '../src/train/train.js';

let trainSet: ImageDataset;
let testSet: ImageDataset;

beforeAll(async () => {
  await initBackend('cpu');
  const data = await loadFashionMnist({ source: 'subset', trainLimit: 512, testLimit: 256 });
  trainSet = data.train;
  testSet = data.test;
});

function dense(seed: number, activation: 'softmax' | 'linear' = 'softmax'): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [28, 28, 1] }),
      tfl.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
      tfl.layers.dense({ units: 10, activation, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

function convBn(seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [28, 28, 1] });
  let x = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, strides: 2, useBias: false, kernelInitializer: tfl.initializers.heNormal({ seed }) })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const output = tfl.layers
    .dense({ units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('losses', () => {
  test('the default loss follows the output: probabilities after a softmax, logits otherwise', () => {
    expect(classificationLossFor(dense(1, 'softmax'))).toBe(categoricalCrossEntropy);
    expect(classificationLossFor(dense(1, 'linear'))).toBe(softmaxCrossEntropy);
  });

  test('both cross-entropies agree on the same prediction', () => {
    const labels = tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const logits = tf.tensor2d([
      [0.5, 2, -1],
      [1, 0.2, 0.1],
    ]);
    const probabilities = tf.softmax(logits);
    const a = softmaxCrossEntropy(labels, logits).dataSync()[0] as number;
    const b = categoricalCrossEntropy(labels, probabilities).dataSync()[0] as number;
    expect(a).toBeCloseTo(b, 5);
    const expected = -(Math.log(Math.exp(2) / (Math.exp(0.5) + Math.exp(2) + Math.exp(-1))) +
      Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(0.2) + Math.exp(0.1)))) / 2;
    expect(a).toBeCloseTo(expected, 5);
    tf.dispose([labels, logits, probabilities]);
  });
});

describe('train', () => {
  test.each([
    { name: 'dense softmax model, Adam', model: () => dense(3, 'softmax'), optimizer: 'adam', learningRate: 0.005, epochs: 3 },
    { name: 'dense logits model, SGD with momentum', model: () => dense(5, 'linear'), optimizer: 'sgd', learningRate: 0.05, epochs: 3 },
    { name: 'conv + BatchNorm model, Adam', model: () => convBn(7), optimizer: 'adam', learningRate: 0.01, epochs: 2 },
  ] as const)('$name: the loss falls and test accuracy beats chance', async ({ model: make, optimizer, learningRate, epochs }) => {
    const model = make();
    const before = await evaluate(model, testSet);
    const losses: number[] = [];
    const result = await train(model, trainSet, {
      optimizer,
      learningRate,
      epochs,
      batchSize: 32,
      seed: 1,
      onStep: (info) => losses.push(info.loss),
    });
    expect(result.state).toBe('completed');
    expect(result.steps).toBe(16 * epochs);
    expect(result.epochs).toBe(epochs);
    expect(result.examples).toBe(512 * epochs);
    expect(losses).toHaveLength(16 * epochs);
    expect(mean(losses.slice(-16))).toBeLessThan(0.7 * mean(losses.slice(0, 4)));
    const after = await evaluate(model, testSet);
    expect(after.examples).toBe(256);
    expect(after.loss).toBeLessThan(before.loss);
    expect(after.task).toBe('classification');
    if (after.task === 'classification') expect(after.accuracy).toBeGreaterThan(0.5);
    model.dispose();
  });

  test('BatchNormalization uses batch statistics and updates its moving mean and variance', async () => {
    const model = convBn(11);
    const conv = model.layers[1] as tfl.layers.Layer;
    const bn = model.getLayer('bn');
    const batch = trainSet.take(64);
    const { xs, ys } = batch.toTensors();
    const [batchMean, batchVariance] = tf.tidy(() => {
      const moments = tf.moments(conv.apply(xs) as tf.Tensor, [0, 1, 2]);
      return [Array.from(moments.mean.dataSync()), Array.from(moments.variance.dataSync())];
    });
    tf.dispose([xs, ys]);
    const moving = () => bn.getWeights().slice(2).map((w) => Array.from(w.dataSync()));
    expect(moving()).toEqual([
      [0, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
    await train(model, batch, { steps: 1, batchSize: 64 });
    const [movingMean, movingVariance] = moving();
    const momentum = 0.99;
    batchMean?.forEach((m, i) => expect(movingMean?.[i]).toBeCloseTo((1 - momentum) * m, 6));
    batchVariance?.forEach((v, i) => expect(movingVariance?.[i]).toBeCloseTo(momentum + (1 - momentum) * v, 6));
    model.dispose();
  });

  test('the number of live tensors does not grow across steps, and nothing is left after', async () => {
    const model = convBn(13);
    const startTensors = tf.memory().numTensors;
    const counts: number[] = [];
    await train(model, trainSet, {
      steps: 12,
      batchSize: 50,
      extraLoss: () => tf.tidy(() => tf.mul(0.001, tf.sum(tf.abs(model.getLayer('bn').getWeights()[0] as tf.Tensor))) as tf.Scalar),
      onStep: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(startTensors);
    await evaluate(model, testSet, { batchSize: 100 });
    expect(tf.memory().numTensors).toBe(startTensors);
    model.dispose();
  });

  test('extraLoss is part of the minimized loss and its gradient counts', async () => {
    const l2 = (model: tfl.LayersModel) => () =>
      tf.tidy(() => tf.mul(1, tf.sum(tf.square(model.trainableWeights[0]?.read() as tf.Tensor))) as tf.Scalar);
    const plain = dense(17);
    const penalized = dense(17);
    const steps: StepInfo[] = [];
    await train(plain, trainSet, { steps: 10, batchSize: 64 });
    await train(penalized, trainSet, { steps: 10, batchSize: 64, extraLoss: l2(penalized), onStep: (s) => steps.push(s) });
    const norm = (model: tfl.LayersModel) => tf.tidy(() => tf.sum(tf.square(model.getWeights()[0] as tf.Tensor)).dataSync()[0] as number);
    expect(norm(penalized)).toBeLessThan(0.95 * norm(plain));
    for (const s of steps) expect(s.loss).toBeGreaterThan(s.dataLoss);
    plain.dispose();
    penalized.dispose();
  });

  test.each([
    { kind: 'sequential', includeLayerLosses: true, regularized: true },
    { kind: 'sequential', includeLayerLosses: false, regularized: false },
    { kind: 'functional', includeLayerLosses: true, regularized: true },
  ])('$kind model, includeLayerLosses $includeLayerLosses: regularizer losses counted: $regularized', async ({ kind, includeLayerLosses, regularized }) => {
    const layer = () =>
      tfl.layers.dense({ units: 10, kernelRegularizer: tfl.regularizers.l2({ l2: 0.1 }), kernelInitializer: tfl.initializers.ones() });
    let model: tfl.LayersModel;
    if (kind === 'sequential') {
      model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), layer()] });
    } else {
      const input = tfl.input({ shape: [28, 28, 1] });
      const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
      model = tfl.model({ inputs: input, outputs: layer().apply(flat) as tfl.SymbolicTensor });
    }
    const steps: StepInfo[] = [];
    await train(model, trainSet, { steps: 2, batchSize: 16, includeLayerLosses, onStep: (s) => steps.push(s) });
    const penalty = 0.1 * 784 * 10;
    expect(steps[0]?.loss).toBeCloseTo((steps[0]?.dataLoss ?? 0) + (regularized ? penalty : 0), 1);
    model.dispose();
  });

  test('steps, epochs and step information', async () => {
    const model = dense(19);
    const infos: StepInfo[] = [];
    const result = await train(model, trainSet.take(100), { steps: 9, batchSize: 32, onStep: (s) => infos.push(s) });
    expect(result).toMatchObject({ state: 'completed', steps: 9, epochs: 2, examples: 2 * 100 + 32 });
    expect(infos.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(infos.map((s) => s.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2]);
    expect(infos.map((s) => s.batchSize)).toEqual([32, 32, 32, 4, 32, 32, 32, 4, 32]);
    expect(infos.every((s) => s.totalSteps === 9 && s.stepsPerEpoch === 4 && s.imagesPerSecond > 0)).toBe(true);
    expect(infos.every((s) => s.loss === s.dataLoss)).toBe(true);
    model.dispose();
  });

  test('epoch ends report the mean loss and the validation result', async () => {
    const model = dense(23);
    const epochs: { epoch: number; loss: number; accuracy: number | undefined }[] = [];
    await train(model, trainSet.take(128), {
      epochs: 2,
      batchSize: 64,
      validation: testSet.take(64),
      onEpochEnd: (e) => {
        epochs.push({ epoch: e.epoch, loss: e.loss, accuracy: e.validation?.task === 'classification' ? e.validation.accuracy : undefined });
      },
    });
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(epochs.every((e) => e.loss > 0 && e.accuracy !== undefined && e.accuracy >= 0 && e.accuracy <= 1)).toBe(true);
    model.dispose();
  });

  test.each([
    { name: 'epochs and steps together', options: { epochs: 1, steps: 1 }, message: 'either epochs or steps' },
    { name: 'a zero batch size', options: { batchSize: 0 }, message: 'batch size must be a positive integer' },
    { name: 'a negative learning rate', options: { learningRate: -1 }, message: 'learning rate' },
    { name: 'momentum of 1', options: { optimizer: 'sgd', momentum: 1 }, message: 'momentum must be in [0, 1)' },
    { name: 'an unknown optimizer', options: { optimizer: 'lbfgs' as 'adam' }, message: 'unknown optimizer' },
  ] as const)('$name is a UsageError', async ({ options, message }) => {
    const model = dense(29);
    const error = await train(model, trainSet, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
    model.dispose();
  });
});

describe('data that does not fit the model', () => {
  test.each([
    {
      name: 'other image shape',
      model: () => tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [32, 32, 3] }), tfl.layers.dense({ units: 10 })] }),
      message: 'the model takes 32x32x3 inputs but the images are 28x28x1',
    },
    {
      name: 'other class count',
      model: () => tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), tfl.layers.dense({ units: 5 })] }),
      message: 'the model has 5 outputs but the labels have 10 classes',
    },
  ])('$name is a DataError in train and evaluate', async ({ model: make, message }) => {
    const model = make();
    await expect(train(model, trainSet, { steps: 1 })).rejects.toThrow(DataError);
    await expect(train(model, trainSet, { steps: 1 })).rejects.toThrow(`train: ${message}`);
    await expect(evaluate(model, testSet)).rejects.toThrow(`evaluate: ${message}`);
    model.dispose();
  });
});

describe('cancellation', () => {
  test('aborting during training stops cleanly between steps', async () => {
    const model = dense(31);
    const controller = new AbortController();
    const startTensors = tf.memory().numTensors;
    const result = await train(model, trainSet, {
      epochs: 5,
      batchSize: 16,
      signal: controller.signal,
      onStep: (s) => {
        if (s.step === 3) controller.abort();
      },
    });
    expect(result.state).toBe('cancelled');
    expect(result.steps).toBe(3);
    expect(result.examples).toBe(48);
    expect(result.lastLoss).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(startTensors);
    model.dispose();
  });

  test('an already aborted signal takes no step', async () => {
    const model = dense(37);
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    const result = await train(model, trainSet, { epochs: 1, signal: AbortSignal.abort() });
    expect(result).toMatchObject({ state: 'cancelled', steps: 0, lastLoss: undefined });
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    model.dispose();
  });

  test('evaluate throws CancelledError when aborted', async () => {
    const model = dense(41);
    await expect(evaluate(model, testSet, { signal: AbortSignal.abort() })).rejects.toThrow(CancelledError);
    model.dispose();
  });
});
