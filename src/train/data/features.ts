/**
 * An in-memory data set of numeric features (read from a CSV file, say): float32 inputs of any per-example
 * shape, with class-index labels or numeric targets, turned into tensors one batch at a time. Shuffling and
 * splitting are seeded and reproducible, as for images.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError, UsageError } from '../../errors.js';
import { permutation } from '../../util/random.js';
import type { Batch, BatchOptions, BatchSource, LabelFormat, LabelSpec } from './source.js';
import { splitIndices } from './split.js';

/** The labels of a feature data set: a class index per example, or `width` numeric targets per example. */
export type FeatureLabels =
  | { readonly kind: 'classes'; readonly indices: Int32Array; readonly count: number; readonly names?: readonly string[] }
  | { readonly kind: 'values'; readonly values: Float32Array; readonly width: number };

/** Examples held as float32 features and their labels. */
export class FeatureDataset implements BatchSource {
  readonly size: number;
  /** Class indices, or `width` numeric targets per example. */
  readonly labelSpec: LabelSpec;
  private readonly perExample: number;

  /**
   * @param features row-major, `size * product(inputShape)` values
   * @param description names the data in messages (a file)
   */
  constructor(
    readonly features: Float32Array,
    readonly inputShape: readonly number[],
    readonly labels: FeatureLabels,
    readonly description: string,
  ) {
    this.perExample = inputShape.reduce((a, b) => a * b, 1);
    const width = labels.kind === 'values' ? labels.width : 1;
    const count = labels.kind === 'classes' ? labels.indices.length : labels.values.length;
    if (count % width !== 0) throw new DataError(`${description}: ${count} targets do not make rows of ${width}`);
    this.size = count / width;
    if (features.length !== this.size * this.perExample) {
      throw new DataError(`${description}: ${this.size} labels need ${this.size * this.perExample} feature values, got ${features.length}`);
    }
    if (labels.kind === 'classes') {
      const bad = labels.indices.findIndex((l) => !(l >= 0 && l < labels.count));
      if (bad >= 0) throw new DataError(`${description}: label ${labels.indices[bad]} of example ${bad} is not below the number of classes, ${labels.count}`);
    }
    this.labelSpec =
      labels.kind === 'values'
        ? { kind: 'values', width: labels.width, integral: labels.values.every((v) => Number.isInteger(v)) }
        : { kind: 'classes', count: labels.count, ...(labels.names === undefined ? {} : { names: labels.names }) };
  }

  /** Batches in one pass: the last one may be smaller. */
  batchCount(batchSize: number): number {
    return Math.ceil(this.size / batchSize);
  }

  /** The first `n` examples (all of them when `n` is at least `size`); copied. */
  take(n: number): FeatureDataset {
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`take: count must be a non-negative integer, got ${n}`);
    return this.select(Uint32Array.from({ length: Math.min(n, this.size) }, (_, i) => i));
  }

  /** The examples at `indices`, in that order (copied). */
  select(indices: ArrayLike<number>): FeatureDataset {
    const n = indices.length;
    const features = new Float32Array(n * this.perExample);
    const l = this.labels;
    const width = l.kind === 'values' ? l.width : 1;
    const picked = l.kind === 'classes' ? new Int32Array(n) : new Float32Array(n * width);
    for (let k = 0; k < n; k++) {
      const i = indices[k] as number;
      if (!(i >= 0 && i < this.size)) throw new UsageError(`select: index ${i} is outside 0..${this.size - 1}`);
      features.set(this.features.subarray(i * this.perExample, (i + 1) * this.perExample), k * this.perExample);
      if (l.kind === 'classes') picked[k] = l.indices[i] as number;
      else picked.set(l.values.subarray(i * width, (i + 1) * width), k * width);
    }
    const labels: FeatureLabels =
      l.kind === 'classes' ? { ...l, indices: picked as Int32Array } : { kind: 'values', values: picked as Float32Array, width };
    return new FeatureDataset(features, this.inputShape, labels, this.description);
  }

  /**
   * Splits off a validation set after a seeded shuffle.
   * @param validation a fraction in (0, 1) of the examples, or a whole number of examples
   */
  split(validation: number, seed = 0): { train: FeatureDataset; validation: FeatureDataset } {
    const order = splitIndices(this.size, validation, seed);
    return { train: this.select(order.train), validation: this.select(order.validation) };
  }

  /** Yields batches as tensors; see `BatchOptions`. */
  *batches(options: BatchOptions): Generator<Batch, void, undefined> {
    const { batchSize, shuffle = false, seed = 0, dropRemainder = false, labels = 'one-hot' } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batch size must be a positive integer, got ${batchSize}`);
    const order = shuffle ? permutation(this.size, seed) : undefined;
    const end = dropRemainder ? this.size - (this.size % batchSize) : this.size;
    for (let start = 0; start < end; start += batchSize) {
      const size = Math.min(batchSize, end - start);
      yield this.makeBatch(Array.from({ length: size }, (_, k) => (order === undefined ? start + k : (order[start + k] as number))), labels);
    }
  }

  private makeBatch(rows: readonly number[], format: LabelFormat): Batch {
    const picked = this.select(rows);
    const xs = tf.tensor(picked.features, [rows.length, ...this.inputShape], 'float32');
    const l = picked.labels;
    let ys: tf.Tensor;
    if (l.kind === 'values') ys = tf.tensor2d(l.values, [rows.length, l.width], 'float32');
    else if (format === 'index') ys = tf.tensor1d(l.indices, 'int32');
    else ys = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(l.indices, 'int32'), l.count), 'float32'));
    return { xs, ys, size: rows.length };
  }
}
