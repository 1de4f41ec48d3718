/**
 * The one definition of end-to-end latency used by `predict --measure`, the profilers' validation and
 * every benchmark: batch `b`, `model.predict(x)` then the download of every output, after a time-based
 * warm-up to steady state, as the median of per-round medians over many short rounds. Several models
 * measured together take turns round by round, a few runs each, so the shared machine's drift (its
 * speed moves by tens of percent within seconds here) hits all of them alike: measured twice in a row,
 * 12 width variants of one model kept their relative latencies within 2.7% (median) in rounds of 3
 * runs, against 5.8% in rounds of 15.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { median } from 'simple-statistics';
import { CancelledError } from '../src/errors.js';

/** How to time a model end to end. */
export interface EndToEndOptions {
  readonly batch?: number;
  /** Warm-up lasts at least this long (ms) ... */
  readonly warmupMs?: number;
  /** ... and at least this many runs. */
  readonly warmupRuns?: number;
  readonly rounds?: number;
  readonly runsPerRound?: number;
  /**
   * A `performance.now()` time after which no new round starts once 3 are done (a profiling budget's
   * end); the measurement then rests on fewer rounds.
   */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

/** An end-to-end latency measurement. */
export interface EndToEndLatency {
  /** Median of the round medians, ms. */
  readonly medianMs: number;
  readonly roundMediansMs: readonly number[];
  /** (max − min) / median of the round medians. */
  readonly spread: number;
  readonly batch: number;
  readonly runs: number;
}

/** Rounds a measurement takes even past its deadline. */
const MIN_ROUNDS = 3;

/** Resolved defaults: 10 runs and 2 s of warm-up, 25 rounds of 3 runs. */
export const END_TO_END_DEFAULTS = { batch: 1, warmupMs: 2000, warmupRuns: 10, rounds: 25, runsPerRound: 3 } as const;

/** Random inputs of the model's input shapes at `batch`. */
export function modelInputs(model: tfl.LayersModel, batch: number): tf.Tensor[] {
  return model.inputs.map((input) => tf.randomNormal([batch, ...input.shape.slice(1).map((d) => d ?? 1)], 0, 1, 'float32', 7));
}

/** One timed inference: predict, then download every output. Returns milliseconds. */
export async function timeOneRun(model: tfl.LayersModel, inputs: tf.Tensor[]): Promise<number> {
  const start = performance.now();
  const y = model.predict(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs);
  const outputs = Array.isArray(y) ? y : [y];
  await Promise.all(outputs.map((t) => t.data()));
  const ms = performance.now() - start;
  tf.dispose(outputs);
  return ms;
}

/** Warms a model up to steady state: at least `warmupRuns` runs and `warmupMs` milliseconds. */
export async function warmUp(model: tfl.LayersModel, inputs: tf.Tensor[], warmupMs: number, warmupRuns: number, signal?: AbortSignal): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < warmupRuns || performance.now() - start < warmupMs; i++) {
    if (signal?.aborted) throw new CancelledError();
    await timeOneRun(model, inputs);
  }
}

/** Measures a model's end-to-end latency on the active backend. */
export async function measureEndToEnd(model: tfl.LayersModel, options: EndToEndOptions = {}): Promise<EndToEndLatency> {
  const [latency] = await measureEndToEndMany([model], options);
  if (latency === undefined) throw new Error('measureEndToEndMany returned no measurement');
  return latency;
}

/**
 * Measures several models in one interleaved run: each is warmed up, then every round times each
 * model in turn, so drift of the machine hits all alike. Results in the order given.
 */
export async function measureEndToEndMany(models: readonly tfl.LayersModel[], options: EndToEndOptions = {}): Promise<EndToEndLatency[]> {
  const o = { ...END_TO_END_DEFAULTS, ...options };
  const inputs = models.map((m) => modelInputs(m, o.batch));
  try {
    for (const [i, m] of models.entries()) await warmUp(m, inputs[i]!, o.warmupMs, o.warmupRuns, o.signal);
    const medians = models.map((): number[] => []);
    for (let r = 0; r < o.rounds; r++) {
      if (r >= MIN_ROUNDS && o.deadline !== undefined && performance.now() > o.deadline) break;
      for (const [i, m] of models.entries()) {
        const times: number[] = [];
        for (let k = 0; k < o.runsPerRound; k++) {
          if (o.signal?.aborted) throw new CancelledError();
          times.push(await timeOneRun(m, inputs[i]!));
        }
        medians[i]!.push(median(times));
      }
    }
    return medians.map((roundMediansMs) => {
      const medianMs = median(roundMediansMs);
      return {
        medianMs,
        roundMediansMs,
        spread: (Math.max(...roundMediansMs) - Math.min(...roundMediansMs)) / medianMs,
        batch: o.batch,
        runs: roundMediansMs.length * o.runsPerRound,
      };
    });
  } finally {
    for (const x of inputs) tf.dispose(x);
  }
}
