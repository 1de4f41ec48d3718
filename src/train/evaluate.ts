/**
 * Evaluation: the objective's loss and metric over a labelled data set (accuracy for classification, mean
 * squared and absolute error for regression), batch by batch in inference mode (BatchNormalization uses its
 * moving statistics, Dropout is off). Every tensor it makes is disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CancelledError, UsageError } from '../errors.js';
import type { BatchSource } from './data/source.js';
import { objectiveFor } from './fits.js';
import { toOneHot, toTargets, type LossFn, type LossName, type Objective } from './loss.js';
import { nextTurn } from './train.js';

/** How to evaluate. */
export interface EvaluateOptions {
  /** Default 256 (streamed data keeps its own batches). */
  readonly batchSize?: number;
  /**
   * A loss by name, `auto` (the default: the one that follows the model and the labels), or a function; the
   * metric follows the named or automatic objective.
   */
  readonly loss?: LossName | 'auto' | LossFn;
  /** Aborting makes `evaluate` throw CancelledError between batches. */
  readonly signal?: AbortSignal;
}

/** The mean loss per example over `examples` examples, and the metric of the task. */
export type Evaluation =
  | { readonly task: 'classification'; readonly accuracy: number; readonly loss: number; readonly examples: number }
  | {
      readonly task: 'regression';
      readonly meanSquaredError: number;
      readonly meanAbsoluteError: number;
      readonly loss: number;
      readonly examples: number;
    };

/** The test accuracy of a classification evaluation; undefined for none or for a regression. */
export function classificationAccuracy(evaluation: Evaluation | undefined): number | undefined {
  return evaluation?.task === 'classification' ? evaluation.accuracy : undefined;
}

/** The objective of a `loss` option: a name or `auto` chooses it; a function replaces the chosen one's loss. */
export function resolveObjective(model: tfl.LayersModel, data: BatchSource, loss: LossName | 'auto' | LossFn | undefined, what: string): Objective {
  if (typeof loss === 'function') return { ...objectiveFor(model, data, 'auto', what), loss };
  return objectiveFor(model, data, loss, what);
}

/** Sums over one batch: [metric sum, absolute error sum, values counted]. */
function metricSums(objective: Objective, labels: tf.Tensor, outputs: tf.Tensor): [tf.Scalar, tf.Scalar, number] {
  return tf.tidy(() => {
    const zero = tf.scalar(0);
    if (objective.name === 'categorical') {
      const classes = outputs.shape.at(-1) ?? 1;
      const actual = tf.argMax(toOneHot(labels, classes), -1);
      return [tf.sum(tf.cast(tf.equal(tf.argMax(outputs, -1), actual), 'int32')), zero, outputs.shape[0] ?? 0];
    }
    const targets = toTargets(labels, outputs);
    if (objective.name === 'binary') {
      const predicted = tf.greater(outputs, objective.probabilities ? 0.5 : 0);
      return [tf.sum(tf.cast(tf.equal(predicted, tf.greater(targets, 0.5)), 'int32')), zero, outputs.size];
    }
    const error = tf.sub(outputs, targets);
    return [tf.sum(tf.square(error)), tf.sum(tf.abs(error)), outputs.size];
  });
}

/**
 * Evaluates a single-output model on `data`. Throws UsageError when the data is empty, DataError when it does
 * not fit the model, CancelledError when aborted.
 */
export async function evaluate(model: tfl.LayersModel, data: BatchSource, options: EvaluateOptions = {}): Promise<Evaluation> {
  const { batchSize = 256, signal } = options;
  const objective = resolveObjective(model, data, options.loss, 'evaluate');
  if (data.size === 0) throw new UsageError('evaluate: the data is empty');
  let metric = 0;
  let absolute = 0;
  let counted = 0;
  let lossSum = 0;
  let examples = 0;
  for await (const batch of data.batches({ batchSize, labels: objective.labelFormat })) {
    if (signal?.aborted === true) {
      tf.dispose([batch.xs, batch.ys]);
      throw new CancelledError('evaluation cancelled');
    }
    let sums: [tf.Scalar, tf.Scalar, number];
    let loss: tf.Scalar;
    try {
      [sums, loss] = tf.tidy(() => {
        const output = model.apply(batch.xs, { training: false }) as tf.Tensor;
        return [metricSums(objective, batch.ys, output), objective.loss(batch.ys, output)];
      });
    } finally {
      tf.dispose([batch.xs, batch.ys]);
    }
    const [metricValue, absoluteValue, lossValue] = await Promise.all([sums[0].data(), sums[1].data(), loss.data()]);
    tf.dispose([sums[0], sums[1], loss]);
    await nextTurn();
    metric += metricValue[0] as number;
    absolute += absoluteValue[0] as number;
    counted += sums[2];
    lossSum += (lossValue[0] as number) * batch.size;
    examples += batch.size;
  }
  if (examples === 0) throw new UsageError('evaluate: the data is empty');
  const loss = lossSum / examples;
  if (objective.task === 'classification') return { task: 'classification', accuracy: metric / counted, loss, examples };
  return { task: 'regression', meanSquaredError: metric / counted, meanAbsoluteError: absolute / counted, loss, examples };
}
