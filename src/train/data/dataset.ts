/**
 * An in-memory labelled image data set: raw bytes kept on the host, turned into tensors one batch at a time.
 * Pixels become float32 in [0, 1] with shape [batch, height, width, channels]; labels become one-hot float32
 * [batch, classes] or int32 class indices [batch]. Shuffling and splitting are seeded and reproducible.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError, UsageError } from '../../errors.js';
import { permutation } from '../../util/random.js';
import type { Batch, BatchOptions, BatchSource, LabelFormat, LabelSpec } from './source.js';
import { splitIndices } from './split.js';

/** What an image data set is called in messages, and the names of its classes. */
export interface ImageDatasetOptions {
  /** Default 'in-memory images'. */
  readonly description?: string;
  /** One name per class, in label order. */
  readonly classNames?: readonly string[];
}

/** Height, width and channels of every image. */
export type ImageShape = readonly [height: number, width: number, channels: number];

const PIXEL_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** Labelled images held as bytes (one byte per pixel channel, one byte per label). */
export class ImageDataset implements BatchSource {
  readonly size: number;
  readonly description: string;
  readonly classNames: readonly string[] | undefined;
  private readonly pixelsPerImage: number;

  /**
   * @param images row-major pixels, `size * height * width * channels` bytes
   * @param labels one class index per image, each below `numClasses`
   */
  constructor(
    readonly images: Uint8Array,
    readonly labels: Uint8Array,
    readonly imageShape: ImageShape,
    readonly numClasses: number,
    options: ImageDatasetOptions = {},
  ) {
    this.pixelsPerImage = imageShape[0] * imageShape[1] * imageShape[2];
    this.size = labels.length;
    this.description = options.description ?? 'in-memory images';
    this.classNames = options.classNames;
    if (this.classNames !== undefined && this.classNames.length !== numClasses) {
      throw new UsageError(`${this.classNames.length} class names given for ${numClasses} classes`);
    }
    if (images.length !== this.size * this.pixelsPerImage) {
      throw new DataError(
        `${this.size} labels need ${this.size * this.pixelsPerImage} bytes of ${imageShape.join('x')} images, ` +
          `got ${images.length}`,
      );
    }
    const bad = labels.findIndex((l) => l >= numClasses);
    if (bad >= 0) {
      throw new DataError(`label ${labels[bad]} of example ${bad} is not below the number of classes, ${numClasses}`);
    }
  }

  /** The per-example input shape: the image shape. */
  get inputShape(): readonly number[] {
    return this.imageShape;
  }

  /** Class indices below `numClasses`. */
  get labelSpec(): LabelSpec {
    return { kind: 'classes', count: this.numClasses, ...(this.classNames === undefined ? {} : { names: this.classNames }) };
  }

  /** Batches in one pass: the last one may be smaller. */
  batchCount(batchSize: number): number {
    return Math.ceil(this.size / batchSize);
  }

  /** How many examples each class has. */
  classCounts(): number[] {
    const counts = new Array<number>(this.numClasses).fill(0);
    for (const l of this.labels) counts[l] = (counts[l] ?? 0) + 1;
    return counts;
  }

  /** The first `n` examples (all of them when `n` is at least `size`); shares memory with this one. */
  take(n: number): ImageDataset {
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`take: count must be a non-negative integer, got ${n}`);
    const count = Math.min(n, this.size);
    return new ImageDataset(
      this.images.subarray(0, count * this.pixelsPerImage),
      this.labels.subarray(0, count),
      this.imageShape,
      this.numClasses,
      this.options(),
    );
  }

  /** The examples at `indices`, in that order (copied). */
  select(indices: ArrayLike<number>): ImageDataset {
    const images = new Uint8Array(indices.length * this.pixelsPerImage);
    const labels = new Uint8Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k] as number;
      if (!(i >= 0 && i < this.size)) throw new UsageError(`select: index ${i} is outside 0..${this.size - 1}`);
      images.set(this.images.subarray(i * this.pixelsPerImage, (i + 1) * this.pixelsPerImage), k * this.pixelsPerImage);
      labels[k] = this.labels[i] as number;
    }
    return new ImageDataset(images, labels, this.imageShape, this.numClasses, this.options());
  }

  /** All examples in the seeded random order of `seed` (copied). */
  shuffled(seed: number): ImageDataset {
    return this.select(permutation(this.size, seed));
  }

  /**
   * Splits off a validation set after a seeded shuffle.
   * @param validation a fraction in (0, 1) of the examples, or a whole number of examples
   */
  split(validation: number, seed = 0): { train: ImageDataset; validation: ImageDataset } {
    const order = splitIndices(this.size, validation, seed);
    return { train: this.select(order.train), validation: this.select(order.validation) };
  }

  private options(): ImageDatasetOptions {
    return { description: this.description, ...(this.classNames === undefined ? {} : { classNames: this.classNames }) };
  }

  /** Yields batches as tensors; see `BatchOptions`. */
  *batches(options: BatchOptions): Generator<Batch, void, undefined> {
    const { batchSize, shuffle = false, seed = 0, dropRemainder = false, labels = 'one-hot' } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new UsageError(`batch size must be a positive integer, got ${batchSize}`);
    }
    const order = shuffle ? permutation(this.size, seed) : undefined;
    const end = dropRemainder ? this.size - (this.size % batchSize) : this.size;
    for (let start = 0; start < end; start += batchSize) {
      const size = Math.min(batchSize, end - start);
      yield this.makeBatch(start, size, order, labels);
    }
  }

  /** The whole data set as one batch. */
  toTensors(labels: LabelFormat = 'one-hot'): Batch {
    return this.makeBatch(0, this.size, undefined, labels);
  }

  private makeBatch(start: number, size: number, order: Uint32Array | undefined, format: LabelFormat): Batch {
    const ppi = this.pixelsPerImage;
    const pixels = new Float32Array(size * ppi);
    const oneHot = format === 'one-hot';
    const ys = oneHot ? new Float32Array(size * this.numClasses) : new Int32Array(size);
    for (let k = 0; k < size; k++) {
      const i = order === undefined ? start + k : (order[start + k] as number);
      const offset = i * ppi;
      for (let p = 0; p < ppi; p++) {
        pixels[k * ppi + p] = PIXEL_TO_UNIT[this.images[offset + p] as number] as number;
      }
      const label = this.labels[i] as number;
      if (oneHot) ys[k * this.numClasses + label] = 1;
      else ys[k] = label;
    }
    const [h, w, c] = this.imageShape;
    return {
      xs: tf.tensor4d(pixels, [size, h, w, c], 'float32'),
      ys: oneHot ? tf.tensor2d(ys, [size, this.numClasses], 'float32') : tf.tensor1d(ys, 'int32'),
      size,
    };
  }
}
