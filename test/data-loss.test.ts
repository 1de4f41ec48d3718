/**
 * The loss and metric follow the model and the labels: softmax classification (one-hot or integer labels,
 * probabilities or logits), binary, or regression (mean squared error), or the loss named; a loss that cannot
 * fit the model's outputs to the labels is a DataError naming what does not match.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { DataError } from '../src/errors.js';
import { FeatureDataset } from '../src/train/data/features.js';
import type { LabelSpec } from '../src/train/data/source.js';
import { chooseObjective, evaluate, train } from '../src/train/index.js';
import type { LossName } from '../src/train/index.js';
import { mulberry32 } from '../src/util/random.js';

function head(units: number, activation: string): tfl.LayersModel {
  return tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units, activation: activation as 'linear', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) })] });
}

const classes = (count: number): LabelSpec => ({ kind: 'classes', count });
const values = (width: number, integral = false): LabelSpec => ({ kind: 'values', width, integral });

beforeAll(async () => {
  await initBackend('cpu');
});

describe('the objective follows the model and the labels', () => {
  test.each([
    { model: [3, 'softmax'], labels: classes(3), name: 'categorical', probabilities: true },
    { model: [3, 'linear'], labels: classes(3), name: 'categorical', probabilities: false },
    { model: [1, 'sigmoid'], labels: classes(2), name: 'binary', probabilities: true },
    { model: [1, 'linear'], labels: classes(2), name: 'binary', probabilities: false },
    { model: [1, 'linear'], labels: values(1), name: 'mse', probabilities: false },
    { model: [2, 'linear'], labels: values(2), name: 'mse', probabilities: false },
    { model: [3, 'linear'], labels: values(1, true), name: 'categorical', probabilities: false },
    { model: [3, 'softmax'], labels: values(3), name: 'categorical', probabilities: true },
    { model: [4, 'sigmoid'], labels: values(4), name: 'binary', probabilities: true },
  ] as const)('$model.1 with $model.0 outputs on $labels.kind: $name', ({ model, labels, name, probabilities }) => {
    const objective = chooseObjective(head(model[0], model[1]), labels);
    expect(objective.name).toBe(name);
    expect(objective.probabilities).toBe(probabilities);
    expect(objective.task).toBe(name === 'mse' ? 'regression' : 'classification');
  });

  test('a named loss wins over the automatic one', () => {
    expect(chooseObjective(head(1, 'linear'), values(1, true), 'binary').name).toBe('binary');
    expect(chooseObjective(head(3, 'softmax'), values(3), 'mse').name).toBe('mse');
  });

  test.each([
    { model: [5, 'softmax'], labels: classes(10), loss: 'auto', message: 'the model has 5 outputs but the labels have 10 classes (the data)' },
    { model: [1, 'sigmoid'], labels: classes(3), loss: 'auto', message: 'the binary loss needs 2 classes, the labels have 3 (the data)' },
    { model: [2, 'softmax'], labels: classes(2), loss: 'binary', message: 'the binary loss on 2 classes needs a model with 1 output, this one has 2 (the data)' },
    { model: [1, 'linear'], labels: classes(2), loss: 'mse', message: 'the mse loss needs numeric targets, but the labels are classes (the data)' },
    { model: [1, 'linear'], labels: values(3), loss: 'auto', message: 'the model has 1 outputs but the labels have 3 values per example (the data)' },
    { model: [1, 'linear'], labels: values(1), loss: 'categorical', message: 'the categorical loss needs a model with one output per class, this one has 1 (the data)' },
  ] as const)('$loss for $model.1 with $model.0 outputs on $labels.kind is refused', ({ model, labels, loss, message }) => {
    const run = () => chooseObjective(head(model[0], model[1]), labels, loss as LossName | 'auto', 'train', 'the data');
    expect(run).toThrow(DataError);
    expect(run).toThrow(`train: ${message}`);
  });

  test('one-hot and integer labels give the same categorical loss', () => {
    const objective = chooseObjective(head(3, 'linear'), classes(3));
    const logits = tf.tensor2d([[2, 0.5, -1], [0.1, 0.2, 3]]);
    const oneHot = objective.loss(tf.tensor2d([[1, 0, 0], [0, 0, 1]]), logits).dataSync()[0] as number;
    const indices = objective.loss(tf.tensor1d([0, 2], 'int32'), logits).dataSync()[0] as number;
    expect(indices).toBeCloseTo(oneHot, 6);
    const expected = -(Math.log(Math.exp(2) / (Math.exp(2) + Math.exp(0.5) + Math.exp(-1))) + Math.log(Math.exp(3) / (Math.exp(0.1) + Math.exp(0.2) + Math.exp(3)))) / 2;
    expect(oneHot).toBeCloseTo(expected, 5);
  });

  test('binary cross-entropy on probabilities and on logits agree', () => {
    const logits = tf.tensor2d([[1.5], [-0.5], [0.2]]);
    const labels = tf.tensor1d([1, 0, 0], 'int32');
    const onLogits = chooseObjective(head(1, 'linear'), classes(2)).loss(labels, logits).dataSync()[0] as number;
    const onProbabilities = chooseObjective(head(1, 'sigmoid'), classes(2)).loss(labels, tf.sigmoid(logits)).dataSync()[0] as number;
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const expected = -(Math.log(sig(1.5)) + Math.log(1 - sig(-0.5)) + Math.log(1 - sig(0.2))) / 3;
    expect(onLogits).toBeCloseTo(expected, 5);
    expect(onProbabilities).toBeCloseTo(expected, 5);
  });
});

describe('training and evaluating by objective', () => {
  /** 64 points in the square; class 1 when x + y > 1, target 3x − 2y. */
  function points(labels: 'classes' | 'values'): FeatureDataset {
    const rand = mulberry32(7);
    const xy = Array.from({ length: 64 }, () => [rand(), rand()] as const);
    const features = Float32Array.from(xy.flat());
    if (labels === 'classes') return new FeatureDataset(features, [2], { kind: 'classes', indices: Int32Array.from(xy, ([x, y]) => (x + y > 1 ? 1 : 0)), count: 2 }, 'points');
    return new FeatureDataset(features, [2], { kind: 'values', values: Float32Array.from(xy, ([x, y]) => 3 * x - 2 * y), width: 1 }, 'points');
  }

  test('a sigmoid model learns a binary split; its accuracy is the share of outputs on the right side of 0.5', async () => {
    const data = points('classes');
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [2], units: 8, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }), tfl.layers.dense({ units: 1, activation: 'sigmoid' })],
    });
    await train(model, data, { epochs: 60, batchSize: 16, learningRate: 0.05 });
    const evaluation = await evaluate(model, data);
    const p = (model.predict(tf.tensor2d(data.features, [64, 2])) as tf.Tensor).dataSync();
    const labels = data.labels.kind === 'classes' ? data.labels.indices : new Int32Array();
    const right = Array.from(p).filter((v, i) => (v > 0.5 ? 1 : 0) === labels[i]).length / 64;
    expect(evaluation).toMatchObject({ task: 'classification', examples: 64 });
    expect(evaluation.task === 'classification' && evaluation.accuracy).toBeCloseTo(right, 10);
    expect(right).toBeGreaterThan(0.85);
    model.dispose();
  });

  test('a linear model fits targets by mean squared error; the metrics are those of its predictions', async () => {
    const data = points('values');
    const model = head(1, 'linear');
    const before = await evaluate(model, data);
    await train(model, data, { epochs: 80, batchSize: 16, learningRate: 0.05 });
    const after = await evaluate(model, data);
    if (after.task !== 'regression' || before.task !== 'regression') throw new Error('expected a regression evaluation');
    const p = (model.predict(tf.tensor2d(data.features, [64, 2])) as tf.Tensor).dataSync();
    const targets = data.labels.kind === 'values' ? data.labels.values : new Float32Array();
    const errors = Array.from(p, (v, i) => v - (targets[i] as number));
    expect(after.meanSquaredError).toBeCloseTo(errors.reduce((a, e) => a + e * e, 0) / 64, 5);
    expect(after.meanAbsoluteError).toBeCloseTo(errors.reduce((a, e) => a + Math.abs(e), 0) / 64, 5);
    expect(after.meanSquaredError).toBeLessThan(0.1 * before.meanSquaredError);
    model.dispose();
  });
});
