/**
 * Losses and the objective of a training run. A loss is a function from (labels, model outputs) to the mean
 * loss over a batch. The objective follows the model and the labels: softmax classification (cross-entropy,
 * one-hot or integer labels), binary classification (binary cross-entropy on one output per label), or
 * regression (mean squared error); each on probabilities when the model ends in a softmax or sigmoid, on
 * logits otherwise. It can also be named outright. Its metric is accuracy for the two classifications and
 * the mean squared error for regression.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataError, UsageError } from '../errors.js';
import type { LabelFormat, LabelSpec } from './data/source.js';

/** Mean loss over a batch, differentiable with respect to `outputs`. */
export type LossFn = (labels: tf.Tensor, outputs: tf.Tensor) => tf.Scalar;

/** The losses by name: softmax cross-entropy, binary cross-entropy, mean squared error. */
export type LossName = 'categorical' | 'binary' | 'mse';

/** Every loss name, and `auto` (chosen from the model and the labels). */
export const LOSS_CHOICES: readonly (LossName | 'auto')[] = ['auto', 'categorical', 'binary', 'mse'];

/** What a run minimizes and how it is scored. */
export interface Objective {
  readonly name: LossName;
  /** The model's outputs are probabilities (it ends in a softmax or sigmoid), not logits or raw values. */
  readonly probabilities: boolean;
  readonly loss: LossFn;
  /** How an in-memory data set delivers class labels to this loss. */
  readonly labelFormat: LabelFormat;
  /** Accuracy for classification, mean squared error for regression. */
  readonly task: 'classification' | 'regression';
}

const EPSILON = 1e-7;

/** Softmax cross-entropy for a model whose outputs are logits; labels are one-hot [batch, classes]. */
export const softmaxCrossEntropy: LossFn = (labels, logits) =>
  tf.tidy(() => tf.losses.softmaxCrossEntropy(labels, logits, undefined, undefined, tf.Reduction.MEAN) as tf.Scalar);

/** Cross-entropy for a model whose outputs are already probabilities (it ends in a softmax). */
export const categoricalCrossEntropy: LossFn = (labels, probabilities) =>
  tf.tidy(() => {
    const clipped = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.log(clipped)), -1))) as tf.Scalar;
  });

/** Binary cross-entropy on probabilities (after a sigmoid); labels are 0 or 1, shaped like the outputs. */
export const binaryCrossEntropy: LossFn = (labels, probabilities) =>
  tf.tidy(() => {
    const p = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
    return tf.neg(tf.mean(tf.add(tf.mul(labels, tf.log(p)), tf.mul(tf.sub(1, labels), tf.log(tf.sub(1, p)))))) as tf.Scalar;
  });

/** Binary cross-entropy on logits; labels are 0 or 1, shaped like the outputs. */
export const sigmoidCrossEntropy: LossFn = (labels, logits) =>
  tf.tidy(() => tf.losses.sigmoidCrossEntropy(labels, logits, undefined, undefined, tf.Reduction.MEAN) as tf.Scalar);

/** Mean squared error over every output value; targets are shaped like the outputs. */
export const meanSquaredError: LossFn = (targets, outputs) =>
  tf.tidy(() => tf.mean(tf.squaredDifference(outputs, targets)) as tf.Scalar);

/** The activation the model's single output comes out of: `softmax`, `sigmoid`, `linear`, ... */
export function outputActivation(model: tfl.LayersModel): string {
  const last = model.outputs[0]?.sourceLayer;
  if (last === undefined) return 'linear';
  const className = last.getClassName();
  if (className === 'Softmax') return 'softmax';
  const activation = last.getConfig()['activation'];
  return typeof activation === 'string' ? activation : 'linear';
}

/** True when the model's single output comes out of a softmax (an activation, or a Softmax layer). */
export function endsInSoftmax(model: tfl.LayersModel): boolean {
  return outputActivation(model) === 'softmax';
}

/** The classification loss that fits the model's output: cross-entropy on probabilities or on logits. */
export function classificationLossFor(model: tfl.LayersModel): LossFn {
  return endsInSoftmax(model) ? categoricalCrossEntropy : softmaxCrossEntropy;
}

/** The model output's last dimension. */
export function outputUnits(model: tfl.LayersModel): number {
  return model.outputs[0]?.shape.at(-1) ?? 1;
}

/** Class labels as one-hot rows of `classes`: one-hot labels pass, class indices ([batch] or [batch, 1]) are encoded. */
export function toOneHot(labels: tf.Tensor, classes: number): tf.Tensor {
  return tf.tidy(() => {
    if (labels.rank === 2 && labels.shape[1] === classes && classes > 1) return tf.cast(labels, 'float32');
    return tf.cast(tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), classes), 'float32');
  });
}

/** Targets shaped like the outputs, as float32. */
export function toTargets(labels: tf.Tensor, outputs: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.reshape(labels, outputs.shape), 'float32'));
}

function objectiveNamed(name: LossName, probabilities: boolean, units: number): Objective {
  switch (name) {
    case 'categorical': {
      const base = probabilities ? categoricalCrossEntropy : softmaxCrossEntropy;
      return { name, probabilities, loss: (labels, outputs) => tf.tidy(() => base(toOneHot(labels, units), outputs)), labelFormat: 'one-hot', task: 'classification' };
    }
    case 'binary': {
      const base = probabilities ? binaryCrossEntropy : sigmoidCrossEntropy;
      return { name, probabilities, loss: (labels, outputs) => tf.tidy(() => base(toTargets(labels, outputs), outputs)), labelFormat: 'index', task: 'classification' };
    }
    case 'mse':
      return { name, probabilities, loss: (labels, outputs) => tf.tidy(() => meanSquaredError(toTargets(labels, outputs), outputs)), labelFormat: 'index', task: 'regression' };
    default:
      throw new UsageError(`unknown loss \`${String(name)}\`; choose one of ${LOSS_CHOICES.join(', ')}`);
  }
}

function labelsText(labels: LabelSpec): string {
  if (labels.kind === 'classes') return `${labels.count} classes`;
  return labels.width === 1 ? 'one value per example' : `${labels.width} values per example`;
}

/** Throws DataError (prefixed by `what`, ending with `source`) when `name` cannot train this model's outputs on these labels. */
function checkFits(name: LossName, units: number, labels: LabelSpec, what: string, source: string | undefined): void {
  const fail = (problem: string): never => {
    throw new DataError(`${what}: ${problem}${source === undefined ? '' : ` (${source})`}`);
  };
  const mismatch = `the model has ${units} outputs but the labels have ${labelsText(labels)}`;
  if (name === 'categorical') {
    if (units < 2) fail(`the categorical loss needs a model with one output per class, this one has ${units}`);
    if (labels.kind === 'classes' && labels.count !== units) fail(mismatch);
    if (labels.kind === 'values' && labels.width !== units && !(labels.width === 1 && labels.integral)) fail(mismatch);
  } else if (name === 'binary') {
    if (labels.kind === 'classes' && !(labels.count === 2 && units === 1)) {
      fail(labels.count === 2 ? `the binary loss on 2 classes needs a model with 1 output, this one has ${units}` : `the binary loss needs 2 classes, the labels have ${labels.count}`);
    }
    if (labels.kind === 'values' && labels.width !== units) fail(mismatch);
  } else {
    if (labels.kind === 'classes') fail('the mse loss needs numeric targets, but the labels are classes');
    if (labels.kind === 'values' && labels.width !== units) fail(mismatch);
  }
}

/**
 * The objective for training `model` on `labels`: the named loss, or (for `auto` or none) the one that follows
 * the model and the labels, as the module comment says. Throws DataError, prefixed by `what` and naming
 * `source` (the data), when the loss cannot fit the model's outputs to these labels.
 */
export function chooseObjective(
  model: tfl.LayersModel,
  labels: LabelSpec,
  requested: LossName | 'auto' = 'auto',
  what = 'train',
  source?: string,
): Objective {
  const units = outputUnits(model);
  const activation = outputActivation(model);
  let name: LossName;
  if (requested !== 'auto') name = requested;
  else if (labels.kind === 'classes') name = units === 1 ? 'binary' : 'categorical';
  else if (activation === 'softmax') name = 'categorical';
  else if (activation === 'sigmoid') name = 'binary';
  else name = labels.width === 1 && labels.integral && units > 1 ? 'categorical' : 'mse';
  const probabilities = name === 'categorical' ? activation === 'softmax' : name === 'binary' && activation === 'sigmoid';
  const objective = objectiveNamed(name, probabilities, units);
  checkFits(name, units, labels, what, source);
  return objective;
}
