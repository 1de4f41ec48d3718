/**
 * Losses: functions from (labels, model outputs) to the mean loss over a batch, pluggable into `train` and
 * `evaluate`. Classification losses take one-hot labels; which one fits depends on whether the model ends in a
 * softmax (its outputs are probabilities) or not (its outputs are logits).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Mean loss over a batch, differentiable with respect to `outputs`. */
export type LossFn = (labels: tf.Tensor, outputs: tf.Tensor) => tf.Scalar;

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

/** True when the model's single output comes out of a softmax (an activation, or a Softmax layer). */
export function endsInSoftmax(model: tfl.LayersModel): boolean {
  const last = model.outputs[0]?.sourceLayer;
  if (last === undefined) return false;
  return last.getClassName() === 'Softmax' || last.getConfig()['activation'] === 'softmax';
}

/** The classification loss that fits the model's output: cross-entropy on probabilities or on logits. */
export function classificationLossFor(model: tfl.LayersModel): LossFn {
  return endsInSoftmax(model) ? categoricalCrossEntropy : softmaxCrossEntropy;
}
