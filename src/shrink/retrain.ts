/**
 * Retraining an architecture from scratch, the way a shrink run measures what its structure is worth:
 * Adam at its default rate for a number of epochs, then the held-out evaluation. Shrink runs, `compare`
 * and the benchmarks' baselines (a uniform width multiplier) all retrain through here, so their
 * accuracies are comparable.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BatchSource } from '../train/data/source.js';
import { evaluate } from '../train/evaluate.js';
import type { Evaluation } from '../train/evaluate.js';
import type { LossName } from '../train/loss.js';
import { train } from '../train/train.js';
import type { StepInfo } from '../train/train.js';
import { deriveSeed } from '../util/random.js';

/** How to retrain. */
export interface RetrainOptions {
  readonly train: BatchSource;
  /** Held-out data; without it there is no evaluation. */
  readonly test?: BatchSource;
  readonly epochs: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** The run's seed (the retraining's own is derived from it). Default 1. */
  readonly seed?: number;
  readonly loss?: LossName | 'auto';
  readonly signal?: AbortSignal;
  readonly onStep?: (info: StepInfo) => void;
}

/**
 * The retraining of an architecture a shrink run made: the run's training data, batch size, loss and
 * signal, for `epochs` with `seed`, tested on `heldOut` when there is some.
 */
export function shrinkRetraining(
  request: { readonly train: BatchSource; readonly batchSize?: number; readonly loss?: LossName | 'auto'; readonly signal?: AbortSignal },
  heldOut: BatchSource | undefined,
  epochs: number,
  seed: number,
): RetrainOptions {
  return {
    train: request.train,
    ...(heldOut === undefined ? {} : { test: heldOut }),
    epochs,
    batchSize: request.batchSize ?? 32,
    seed,
    ...(request.loss === undefined ? {} : { loss: request.loss }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  };
}

/** The outcome: cancelled part way, or completed with the evaluation when there was held-out data. */
export type RetrainResult = { readonly state: 'cancelled' } | { readonly state: 'completed'; readonly evaluation?: Evaluation };

/** Trains `model` (freshly initialized) in place and evaluates it. */
export async function retrainFromScratch(model: tfl.LayersModel, options: RetrainOptions): Promise<RetrainResult> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const loss = options.loss === undefined ? {} : { loss: options.loss };
  const result = await train(model, options.train, {
    epochs: options.epochs,
    batchSize: options.batchSize ?? 32,
    seed: deriveSeed(options.seed ?? 1, 7),
    optimizer: 'adam',
    ...loss,
    ...signal,
    ...(options.onStep === undefined ? {} : { onStep: options.onStep }),
  });
  if (result.state === 'cancelled') return { state: 'cancelled' };
  if (options.test === undefined) return { state: 'completed' };
  return { state: 'completed', evaluation: await evaluate(model, options.test, { ...loss, ...signal }) };
}
