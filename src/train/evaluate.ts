/**
 * Evaluation: accuracy and mean loss of a classifier over a labelled data set, batch by batch in inference
 * mode (BatchNormalization uses its moving statistics, Dropout is off). Every tensor it makes is disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CancelledError, UsageError } from '../errors.js';
import type { BatchSource } from './data/dataset.js';
import { checkDataFitsModel } from './fits.js';
import { classificationLossFor, type LossFn } from './loss.js';
import { nextTurn } from './train.js';

/** How to evaluate. */
export interface EvaluateOptions {
  /** Default 256. */
  readonly batchSize?: number;
  /** Default `classificationLossFor(model)`. */
  readonly loss?: LossFn;
  /** Aborting makes `evaluate` throw CancelledError between batches. */
  readonly signal?: AbortSignal;
}

/** Accuracy in [0, 1] and mean loss per example, over `examples` examples. */
export interface Evaluation {
  readonly accuracy: number;
  readonly loss: number;
  readonly examples: number;
}

/** Evaluates a single-output classifier on `data` (one-hot labels). */
export async function evaluate(
  model: tfl.LayersModel,
  data: BatchSource,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const { batchSize = 256, signal } = options;
  checkDataFitsModel(model, data, 'evaluate');
  if (data.size === 0) throw new UsageError('evaluate: the data is empty');
  const lossFn = options.loss ?? classificationLossFor(model);
  let correct = 0;
  let lossSum = 0;
  let examples = 0;
  for (const batch of data.batches({ batchSize })) {
    if (signal?.aborted === true) {
      tf.dispose([batch.xs, batch.ys]);
      throw new CancelledError('evaluation cancelled');
    }
    const [hits, loss] = tf.tidy(() => {
      const output = model.apply(batch.xs, { training: false }) as tf.Tensor;
      const predicted = tf.argMax(output, -1);
      const actual = tf.argMax(batch.ys, -1);
      return [tf.sum(tf.cast(tf.equal(predicted, actual), 'int32')), lossFn(batch.ys, output)];
    });
    tf.dispose([batch.xs, batch.ys]);
    const [hitsValue, lossValue] = await Promise.all([hits.data(), loss.data()]);
    tf.dispose([hits, loss]);
    await nextTurn();
    correct += hitsValue[0] as number;
    lossSum += (lossValue[0] as number) * batch.size;
    examples += batch.size;
  }
  return { accuracy: correct / examples, loss: lossSum / examples, examples };
}
