/**
 * What the training loop and evaluation draw examples from: a `BatchSource`, in memory (a data set read from
 * files) or streamed (a tf.data.Dataset, an async iterable of batches). A source says the per-example input
 * shape, what its labels are (class indices or numeric targets), how many batches one pass holds when it
 * knows, and yields batches of tensors that the consumer owns and disposes, as `model.fitDataset` does.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** How class labels are delivered: one-hot float32 rows, or int32 class indices. */
export type LabelFormat = 'one-hot' | 'index';

/**
 * What the labels are: class indices (delivered as `LabelFormat` asks), or numeric targets of `width` values
 * per example (float32 [batch, width]; `integral` when every one seen is a whole number, so they may be class
 * indices too).
 */
export type LabelSpec =
  | { readonly kind: 'classes'; readonly count: number; readonly names?: readonly string[] }
  | { readonly kind: 'values'; readonly width: number; readonly integral: boolean };

/** One batch of examples. The consumer owns (and must dispose) both tensors. */
export interface Batch {
  /** float32 [size, ...inputShape]. */
  readonly xs: tf.Tensor;
  /** Class labels: float32 [size, classes] when one-hot, int32 [size] when indices. Values: float32 [size, width]. */
  readonly ys: tf.Tensor;
  readonly size: number;
}

/** How to cut a pass into batches. Streamed sources keep their own batches and order. */
export interface BatchOptions {
  readonly batchSize: number;
  /** Visit the examples in a seeded random order (default false: file order). */
  readonly shuffle?: boolean;
  /** Seed of the order when shuffling (default 0). */
  readonly seed?: number;
  /** Leave out a last batch smaller than `batchSize` (default false). */
  readonly dropRemainder?: boolean;
  /** Default 'one-hot'. */
  readonly labels?: LabelFormat;
}

/** Anything `train` and `evaluate` can draw batches of labelled examples from. */
export interface BatchSource {
  /** Examples in one pass; undefined when a stream does not say. */
  readonly size: number | undefined;
  /** The shape of one example's input, e.g. [28, 28, 1] for images or [13] for 13 features. */
  readonly inputShape: readonly number[];
  readonly labelSpec: LabelSpec;
  /** Names the data in messages: a file, a folder, "the tf.data.Dataset". */
  readonly description: string;
  /** Batches in one pass at `batchSize` (Infinity for an endless stream); undefined when unknown before a pass. */
  batchCount(batchSize: number): number | undefined;
  /** One pass over the data, batch by batch. */
  batches(options: BatchOptions): Iterable<Batch> | AsyncIterable<Batch>;
}

/** A shape as "28x28x1", unknown dimensions as "?". */
export function describeShape(shape: readonly (number | null)[]): string {
  return shape.map((d) => (d === null ? '?' : String(d))).join('x');
}

/**
 * Batches in one pass at `batchSize`: what the source says, else counted by reading a pass (each batch
 * disposed as it comes).
 */
export async function batchesPerPass(data: BatchSource, batchSize: number): Promise<number> {
  const known = data.batchCount(batchSize);
  if (known !== undefined) return known;
  let count = 0;
  for await (const batch of data.batches({ batchSize })) {
    batch.xs.dispose();
    batch.ys.dispose();
    count++;
  }
  return count;
}

/**
 * A view of `data` whose passes continue across calls: a pass that a consumer broke off (a training run of a
 * few steps) goes on where it stopped at the next `batches` call, and a new pass starts only when one ends.
 * Training in chunks then sees every batch of a stream, not its first few again and again.
 */
export function continuingSource(data: BatchSource): BatchSource {
  let current: Iterator<Batch> | AsyncIterator<Batch> | undefined;
  const open = (options: BatchOptions): Iterator<Batch> | AsyncIterator<Batch> => {
    const pass = data.batches(options);
    return Symbol.asyncIterator in pass ? pass[Symbol.asyncIterator]() : pass[Symbol.iterator]();
  };
  return {
    get size() {
      return data.size;
    },
    inputShape: data.inputShape,
    labelSpec: data.labelSpec,
    description: data.description,
    batchCount: (batchSize) => data.batchCount(batchSize),
    async *batches(options) {
      current ??= open(options);
      for (;;) {
        const next = await current.next();
        if (next.done === true) {
          current = undefined;
          return;
        }
        yield next.value;
      }
    },
  };
}
