/**
 * Streamed data as a `BatchSource`: a tf.data.Dataset of `{ xs, ys }` (batched, or one example per element,
 * which is then batched at the batch size asked for), an async iterable of `{ xs, ys }` batches, or a function
 * returning a fresh async iterable for every pass. The first element is read up front to learn the input
 * shape and what the labels are; it is replayed as the start of the first pass, so a one-shot stream loses
 * nothing. Each element's tensors are handed to the consumer, which disposes them after use, as
 * `model.fitDataset` does: a stream must make new tensors for every pass.
 *
 * tf.data is typed structurally here, so morphlat does not depend on @tensorflow/tfjs-data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError, UsageError } from '../../errors.js';
import type { Batch, BatchOptions, BatchSource, LabelSpec } from './source.js';
import { describeShape } from './source.js';

/** The part of a tf.data.Dataset morphlat uses. */
export interface TfDataset<T = unknown> {
  /** Elements in the data set: null when unknown, Infinity when it repeats forever. */
  readonly size: number | null;
  iterator(): Promise<{ next(): Promise<IteratorResult<T>> }>;
  batch(batchSize: number, smallLastBatch?: boolean): TfDataset<T>;
}

/** One element of a stream: inputs and labels (a lone tensor in an array or object counts as that tensor). */
export interface StreamElement {
  readonly xs: unknown;
  readonly ys: unknown;
}

/** Streamed data: a tf.data.Dataset, an async iterable of batches, or a function making one per pass. */
export type StreamInput = TfDataset | AsyncIterable<StreamElement> | (() => AsyncIterable<StreamElement>);

/** What the model takes and gives, to read the stream's elements against. */
export interface StreamExpectation {
  /** The model's per-example input shape (null for a free dimension). */
  readonly inputShape: readonly (number | null)[];
  /** The model output's last dimension. */
  readonly outputUnits: number;
}

/** True for a tf.data.Dataset (anything with `iterator()` and `batch()`). */
export function isTfDataset(x: unknown): x is TfDataset {
  const d = x as Partial<TfDataset> | null;
  return typeof d === 'object' && d !== null && typeof d.iterator === 'function' && typeof d.batch === 'function';
}

/** True for anything `streamSource` takes. */
export function isStreamInput(x: unknown): x is StreamInput {
  if (typeof x === 'function') return true;
  return isTfDataset(x) || (typeof x === 'object' && x !== null && Symbol.asyncIterator in x);
}

interface Pass {
  readonly first: StreamElement | undefined;
  next(): Promise<IteratorResult<StreamElement>>;
  close(): Promise<void>;
}

function loneTensor(value: unknown): tf.Tensor | undefined {
  if (value instanceof tf.Tensor) return value;
  const parts = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [];
  return parts.length === 1 && parts[0] instanceof tf.Tensor ? parts[0] : undefined;
}

function disposeElement(element: StreamElement): void {
  tf.dispose([loneTensor(element.xs), loneTensor(element.ys)].filter((t): t is tf.Tensor => t !== undefined));
}

/** Whether every row of `values` (rows of `width`) holds one 1 and zeros. */
function oneHotRows(values: ArrayLike<number>, width: number): boolean {
  for (let start = 0; start < values.length; start += width) {
    let ones = 0;
    for (let j = 0; j < width; j++) {
      const v = values[start + j] as number;
      if (v === 1) ones++;
      else if (v !== 0) return false;
    }
    if (ones !== 1) return false;
  }
  return true;
}

/** A stream read as a BatchSource. Make one with `streamSource`. */
class StreamSource implements BatchSource {
  private pending: Pass | undefined;
  private passes = 0;
  private counted: number | undefined;

  constructor(
    private readonly open: (batchSize: number) => Promise<Pass>,
    first: Pass | undefined,
    readonly description: string,
    readonly inputShape: readonly number[],
    readonly labelSpec: LabelSpec,
    private readonly perExample: boolean,
    private readonly declaredSize: number | null,
    private readonly oneShot: boolean,
  ) {
    this.pending = first;
  }

  get size(): number | undefined {
    return this.perExample && this.declaredSize !== null && Number.isFinite(this.declaredSize) ? this.declaredSize : undefined;
  }

  batchCount(batchSize: number): number | undefined {
    if (this.declaredSize !== null) return this.perExample ? Math.ceil(this.declaredSize / batchSize) : this.declaredSize;
    return this.counted;
  }

  async *batches(options: BatchOptions): AsyncGenerator<Batch, void, undefined> {
    const pass = this.pending ?? (await this.open(options.batchSize));
    this.pending = undefined;
    this.passes++;
    const passNumber = this.passes;
    let count = 0;
    let finished = false;
    try {
      let element = pass.first;
      for (;;) {
        if (element === undefined) {
          const result = await pass.next();
          if (result.done === true) break;
          element = result.value;
        }
        const batch = this.toBatch(element, count + 1);
        element = undefined;
        count++;
        yield batch;
      }
      finished = true;
    } finally {
      if (!finished) await pass.close();
    }
    if (count === 0) {
      throw new DataError(
        this.oneShot && passNumber > 1
          ? `${this.description} gave no batches on pass ${passNumber}: an async iterator can be read only once; ` +
            'pass a function that returns a new async iterable for every pass, or a tf.data.Dataset'
          : `${this.description} gave no batches`,
      );
    }
    this.counted = count;
  }

  private toBatch(element: StreamElement, index: number): Batch {
    const where = `${this.description}, ${this.perExample ? 'element' : 'batch'} ${index}`;
    const xs = loneTensor(element.xs);
    const ys = loneTensor(element.ys);
    if (xs === undefined || ys === undefined) {
      disposeElement(element);
      throw new DataError(`${where}: \`xs\` and \`ys\` must each be a tensor (or one tensor in an array or object)`);
    }
    const size = xs.shape[0] ?? 0;
    const shape = xs.shape.slice(1);
    if (shape.length !== this.inputShape.length || shape.some((d, i) => d !== this.inputShape[i])) {
      tf.dispose([xs, ys]);
      throw new DataError(`${where}: inputs of shape ${describeShape(shape)}, but the first batch had ${describeShape(this.inputShape)}`);
    }
    if (ys.shape[0] !== size) {
      tf.dispose([xs, ys]);
      throw new DataError(`${where}: ${size} inputs but ${ys.shape[0] ?? 0} labels`);
    }
    return { xs, ys, size };
  }
}

/** Reads the first batch's labels: what they are, checked against the model's outputs. */
async function labelSpecOf(ys: tf.Tensor, outputUnits: number, where: string): Promise<LabelSpec> {
  const rows = ys.shape.slice(1);
  const width = rows.reduce((a, b) => a * b, 1);
  if (rows.length > 1) throw new DataError(`${where}: labels of shape ${describeShape(ys.shape)}; expected one label or one row of targets per example`);
  const values = await ys.data();
  const integral = Array.from(values).every((v) => Number.isInteger(v));
  const classes = outputUnits > 1 ? outputUnits : 2;
  if (ys.dtype === 'int32' || ys.dtype === 'bool') {
    if (width !== 1) throw new DataError(`${where}: integer labels must be one class index per example, got shape ${describeShape(ys.shape)}`);
    const bad = Array.from(values).find((v) => !(v >= 0 && v < classes));
    if (bad !== undefined) throw new DataError(`${where}: label ${bad} is not one of the model's ${classes} classes (0..${classes - 1})`);
    return { kind: 'classes', count: classes };
  }
  if (width > 1 && oneHotRows(values as Float32Array, width)) return { kind: 'classes', count: width };
  return { kind: 'values', width, integral };
}

function passOf(iterator: AsyncIterator<StreamElement> | { next(): Promise<IteratorResult<unknown>> }, first: StreamElement | undefined): Pass {
  return {
    first,
    next: () => iterator.next() as Promise<IteratorResult<StreamElement>>,
    close: async () => {
      await (iterator as AsyncIterator<StreamElement>).return?.();
    },
  };
}

/**
 * Opens a stream as a BatchSource: reads its first element (kept for the first pass) to learn the input
 * shape and the labels. Throws DataError when the stream is empty or its first element is malformed.
 */
export async function streamSource(input: StreamInput, expect: StreamExpectation, description?: string): Promise<BatchSource> {
  if (isTfDataset(input)) return tfDatasetSource(input, expect, description ?? 'the tf.data.Dataset');
  const name = description ?? 'the async iterable';
  const iterable = typeof input === 'function' ? input : () => input;
  const openIterator = (): AsyncIterator<StreamElement> => {
    const it = iterable();
    if (typeof it?.[Symbol.asyncIterator] !== 'function') throw new UsageError(`${name} is not an async iterable of { xs, ys } batches`);
    return it[Symbol.asyncIterator]();
  };
  const iterator = openIterator();
  const oneShot = typeof input !== 'function' && (iterator as unknown) === input;
  const first = await iterator.next();
  if (first.done === true) throw new DataError(`${name} gave no batches`);
  const element = first.value;
  const { inputShape, labelSpec } = await readFirst(element, expect, `${name}, batch 1`);
  const reopen = async (): Promise<Pass> => passOf(openIterator(), undefined);
  return new StreamSource(reopen, passOf(iterator, element), name, inputShape, labelSpec, false, null, oneShot);
}

/** The single element of a batch of one batch: the leading dimension of size 1 dropped. */
function unbatchOne(element: StreamElement): StreamElement {
  const xs = loneTensor(element?.xs);
  const ys = loneTensor(element?.ys);
  if (xs === undefined || ys === undefined) return element;
  const inner = { xs: tf.squeeze(xs, [0]), ys: tf.squeeze(ys, [0]) };
  tf.dispose([xs, ys]);
  return inner;
}

/** The input shape and the labels of a stream's first batch (disposed when it is malformed). */
async function readFirst(element: StreamElement, expect: StreamExpectation, where: string): Promise<{ inputShape: number[]; labelSpec: LabelSpec }> {
  const xs = loneTensor(element?.xs);
  const ys = loneTensor(element?.ys);
  if (xs === undefined || ys === undefined) {
    if (element !== undefined && element !== null) disposeElement(element);
    throw new DataError(`${where}: expected \`{ xs, ys }\` with a tensor each (or one tensor in an array or object)`);
  }
  try {
    return { inputShape: xs.shape.slice(1), labelSpec: await labelSpecOf(ys, expect.outputUnits, where) };
  } catch (e) {
    tf.dispose([xs, ys]);
    throw e;
  }
}

async function tfDatasetSource(dataset: TfDataset, expect: StreamExpectation, name: string): Promise<BatchSource> {
  const peek = await dataset.batch(1).iterator();
  const first = await peek.next();
  if (first.done === true) throw new DataError(`${name} is empty`);
  const element = first.value as StreamElement;
  const xs = loneTensor(element?.xs);
  const perExample = xs !== undefined && xs.rank - 1 === expect.inputShape.length;
  const unwrapped = perExample ? element : unbatchOne(element);
  const { inputShape, labelSpec } = await readFirst(unwrapped, expect, `${name}, element 1`);
  disposeElement(unwrapped);
  let batched: { size: number; dataset: TfDataset } | undefined;
  const open = async (batchSize: number): Promise<Pass> => {
    if (!perExample) return passOf(await dataset.iterator(), undefined);
    if (batched?.size !== batchSize) batched = { size: batchSize, dataset: dataset.batch(batchSize) };
    return passOf(await batched.dataset.iterator(), undefined);
  };
  return new StreamSource(open, undefined, name, inputShape, labelSpec, perExample, dataset.size, false);
}
