/**
 * The training loop: mini-batch gradient descent on any single-output LayersModel, with Adam or SGD with momentum.
 * Each step runs `model.apply(x, {training: true})` inside `optimizer.minimize`, so BatchNormalization normalizes
 * with batch statistics and updates its moving mean and variance (tfjs-layers 4.22 writes them from inside the
 * layer's call when `training` is true), and Dropout drops. The loss is a pluggable function, plus the layers'
 * own regularizer losses, plus an optional extra term (e.g. a sparsity regularizer).
 * In-memory data is shuffled every epoch; streamed data keeps its own order and batches, an epoch being one
 * pass over it. The loop never prints: it reports through callbacks, and stops between steps when its
 * AbortSignal aborts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { adamOptimizer, duringTrainingStep } from '../backends/training.js';
import { UsageError } from '../errors.js';
import type { BatchSource } from './data/source.js';
import { batchesPerPass } from './data/source.js';
import { deriveSeed } from '../util/random.js';
import { evaluate, resolveObjective, type Evaluation } from './evaluate.js';
import type { LossFn, LossName } from './loss.js';

/** Optimizers by name. 'sgd' is SGD with momentum (plain SGD when momentum is 0). */
export type OptimizerName = 'adam' | 'sgd';

/** What `onStep` receives after every step. */
export interface StepInfo {
  /** Steps done so far in this call, from 1. */
  readonly step: number;
  /** The epoch this step belongs to, from 0. */
  readonly epoch: number;
  /** Steps this call will take when it is not cancelled. */
  readonly totalSteps: number;
  /** Batches in one pass over the data; undefined for a stream that does not say. */
  readonly stepsPerEpoch: number | undefined;
  /** Examples in this step's batch. */
  readonly batchSize: number;
  /** The minimized total: data loss + layer regularizer losses + extra loss. */
  readonly loss: number;
  /** The data loss alone. */
  readonly dataLoss: number;
  /** Throughput, an exponential moving average over recent steps (data preparation included). */
  readonly imagesPerSecond: number;
  readonly elapsedSeconds: number;
}

/** What `onEpochEnd` receives after every complete epoch. */
export interface EpochInfo {
  readonly epoch: number;
  /** Mean total loss over the epoch's steps. */
  readonly loss: number;
  /** Present when `validation` data was given. */
  readonly validation?: Evaluation;
}

/** How to train. Give `epochs` or `steps`, not both (default: 1 epoch). */
export interface TrainOptions {
  /** A name (a new optimizer, disposed at the end), or an optimizer the caller owns (kept, e.g. across calls). */
  readonly optimizer?: OptimizerName | tf.Optimizer;
  /** Default 0.001 for Adam, 0.01 for SGD. */
  readonly learningRate?: number;
  /** SGD momentum, default 0.9. */
  readonly momentum?: number;
  readonly epochs?: number;
  readonly steps?: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Seed of the per-epoch shuffles (default 0). Weight initialization and dropout are not seeded by it. */
  readonly seed?: number;
  /**
   * A loss by name, `auto` (the default: softmax cross-entropy, binary cross-entropy or mean squared error,
   * following the model's output and the labels; see `chooseObjective`), or a function of (labels, outputs).
   */
  readonly loss?: LossName | 'auto' | LossFn;
  /** Add the layers' regularizer losses (`model.calculateLosses()`), as `fit` does (default true). */
  readonly includeLayerLosses?: boolean;
  /** A scalar added to the loss inside the minimized function, so its gradient counts. */
  readonly extraLoss?: () => tf.Scalar;
  readonly onStep?: (info: StepInfo) => void;
  readonly onEpochEnd?: (info: EpochInfo) => void | Promise<void>;
  /** Evaluated at the end of every complete epoch. */
  readonly validation?: BatchSource;
  /** Stops the loop between steps; the result then says 'cancelled'. */
  readonly signal?: AbortSignal;
}

interface TrainSummary {
  readonly steps: number;
  /** Complete epochs. */
  readonly epochs: number;
  readonly examples: number;
  /** Total loss of the last step; undefined when no step ran. */
  readonly lastLoss: number | undefined;
  readonly seconds: number;
  /** Mean throughput over the whole call. */
  readonly imagesPerSecond: number;
}

/** How training ended: all requested steps done, or stopped early by the signal. */
export type TrainResult =
  | (TrainSummary & { readonly state: 'completed' })
  | (TrainSummary & { readonly state: 'cancelled' });

/**
 * Lets the event loop run (signal handlers, timers): on cpu and wasm a tensor's `data()` resolves as a
 * microtask, so without this a Ctrl-C would not be seen until training ended.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function positiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new UsageError(`${name} must be a positive integer, got ${value}`);
  }
}

/** Makes the optimizer an options object asks for. */
export function makeOptimizer(name: OptimizerName, learningRate?: number, momentum?: number): tf.Optimizer {
  if (learningRate !== undefined && !(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new UsageError(`learning rate must be a positive number, got ${learningRate}`);
  }
  switch (name) {
    case 'adam':
      return adamOptimizer(learningRate ?? 0.001);
    case 'sgd': {
      const m = momentum ?? 0.9;
      if (!(m >= 0 && m < 1)) throw new UsageError(`momentum must be in [0, 1), got ${m}`);
      return m === 0 ? tf.train.sgd(learningRate ?? 0.01) : tf.train.momentum(learningRate ?? 0.01, m);
    }
    default:
      throw new UsageError(`unknown optimizer \`${String(name)}\`; choose adam or sgd`);
  }
}

/**
 * Trains `model` in place on `data`. Resolves when done or cancelled; throws UsageError on bad options and
 * DataError when the data does not fit the model.
 */
export async function train(
  model: tfl.LayersModel,
  data: BatchSource,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const { batchSize = 32, seed = 0, includeLayerLosses = true, signal } = options;
  positiveInteger('batch size', batchSize);
  positiveInteger('epochs', options.epochs);
  positiveInteger('steps', options.steps);
  if (options.epochs !== undefined && options.steps !== undefined) {
    throw new UsageError('give either epochs or steps, not both');
  }
  const objective = resolveObjective(model, data, options.loss, 'train');
  if (data.size === 0) throw new UsageError('train: the training data is empty');
  const stepsPerEpoch = options.steps === undefined ? await batchesPerPass(data, batchSize) : data.batchCount(batchSize);
  if (options.steps === undefined && !Number.isFinite(stepsPerEpoch)) {
    throw new UsageError(`train: ${data.description} never ends, so it has no epochs; give steps`);
  }
  const totalSteps = options.steps ?? (stepsPerEpoch ?? 0) * (options.epochs ?? 1);
  const lossFn = objective.loss;
  const ownsOptimizer = typeof options.optimizer !== 'object';
  const optimizer =
    typeof options.optimizer === 'object'
      ? options.optimizer
      : makeOptimizer(options.optimizer ?? 'adam', options.learningRate, options.momentum);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);

  const started = performance.now();
  let step = 0;
  let epochsDone = 0;
  let examples = 0;
  let lastLoss: number | undefined;
  let throughput = 0;
  let previous = started;

  const runStep = (xs: tf.Tensor, ys: tf.Tensor): { total: tf.Scalar; data: tf.Scalar | undefined } => {
    let dataLoss: tf.Scalar | undefined;
    const total = duringTrainingStep(() => optimizer.minimize(
      () => {
        const output = model.apply(xs, { training: true }) as tf.Tensor;
        const loss = lossFn(ys, output);
        const terms: tf.Scalar[] = includeLayerLosses ? model.calculateLosses() : [];
        if (options.extraLoss !== undefined) terms.push(options.extraLoss());
        if (terms.length === 0) return loss;
        dataLoss = tf.keep(loss);
        return tf.addN([loss, ...terms]) as tf.Scalar;
      },
      true,
      variables,
    ), model) as tf.Scalar;
    return { total, data: dataLoss };
  };

  const finish = (state: 'completed' | 'cancelled'): TrainResult => {
    const seconds = (performance.now() - started) / 1000;
    return {
      state,
      steps: step,
      epochs: epochsDone,
      examples,
      lastLoss,
      seconds,
      imagesPerSecond: seconds > 0 ? examples / seconds : 0,
    };
  };

  try {
    for (let epoch = 0; step < totalSteps; epoch++) {
      let epochLoss = 0;
      let epochSteps = 0;
      let passEnded = true;
      for await (const batch of data.batches({ batchSize, shuffle: true, seed: deriveSeed(seed, epoch), labels: objective.labelFormat })) {
        if (signal?.aborted === true) {
          tf.dispose([batch.xs, batch.ys]);
          return finish('cancelled');
        }
        let losses: { total: tf.Scalar; data: tf.Scalar | undefined };
        try {
          losses = runStep(batch.xs, batch.ys);
        } finally {
          tf.dispose([batch.xs, batch.ys]);
        }
        const [total, dataLoss] = await Promise.all([
          losses.total.data(),
          losses.data === undefined ? undefined : losses.data.data(),
        ]);
        tf.dispose([losses.total, losses.data]);
        const loss = total[0] as number;
        step++;
        epochSteps++;
        epochLoss += loss;
        examples += batch.size;
        lastLoss = loss;
        const now = performance.now();
        const rate = (batch.size * 1000) / Math.max(now - previous, 1e-3);
        throughput = step === 1 ? rate : 0.9 * throughput + 0.1 * rate;
        previous = now;
        options.onStep?.({
          step,
          epoch,
          totalSteps,
          stepsPerEpoch,
          batchSize: batch.size,
          loss,
          dataLoss: dataLoss === undefined ? loss : (dataLoss[0] as number),
          imagesPerSecond: throughput,
          elapsedSeconds: (now - started) / 1000,
        });
        await nextTurn();
        if (step >= totalSteps) {
          passEnded = epochSteps === stepsPerEpoch;
          break;
        }
      }
      if (passEnded) {
        epochsDone++;
        if (options.onEpochEnd !== undefined) {
          const validation =
            options.validation === undefined
              ? undefined
              : await evaluate(model, options.validation, { batchSize, ...(options.loss === undefined ? {} : { loss: options.loss }) });
          await options.onEpochEnd({
            epoch,
            loss: epochLoss / epochSteps,
            ...(validation === undefined ? {} : { validation }),
          });
        }
      }
    }
    return finish('completed');
  } finally {
    if (ownsOptimizer) optimizer.dispose();
  }
}
