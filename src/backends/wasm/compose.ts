/**
 * Kernels composed from ops. A wasm gradient kernel here is a short sequence of tfjs ops (Conv2D,
 * DepthwiseConv2dNative, BatchMatMul, Transpose, Pad, Slice, ArgMax, ...), each dispatched to wasm's
 * own kernel, mostly XNNPACK. The engine stops recording gradients while any kernel runs, so these
 * inner ops are computed and never taped.
 *
 * Ownership: the engine hands a kernel TensorInfos it does not own, and adopts whatever the kernel
 * returns as its output. `runComposite` wraps the inputs as tensors without taking their data, runs
 * the computation in a tidy scope so every intermediate is freed, and returns the one result tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';
import { wasmSimdKernels } from './simd.js';

/** True when `t` is a non-empty float32 tensor and `axis` (as a kernel's attribute gives it) is its last. */
export function floatOnLastAxis(t: TensorInfo, axis: number | number[]): boolean {
  const rank = t.shape.length;
  return t.dtype === 'float32' && rank > 0 && util.sizeFromShape(t.shape) > 0 && util.parseAxisParam(axis, [...t.shape])[0] === rank - 1;
}

/** A 4-D shape, as tfjs' convolution helpers take it. */
export type Shape4D = [number, number, number, number];

/** `shape` as a 4-D tuple; throws KernelError naming `what` when it has another rank. */
export function shape4D(kernelName: string, what: string, shape: readonly number[]): Shape4D {
  const [a, b, c, d] = shape;
  if (shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new KernelError(`${kernelName}: ${what} must be rank 4, got shape [${shape.join(', ')}]`);
  }
  return [a, b, c, d];
}

/** Throws KernelError unless a filter's input-channel count (`what`) matches the input's. */
export function expectChannels(kernelName: string, what: string, actual: number, inChannels: number): void {
  if (actual !== inChannels) {
    throw new KernelError(`${kernelName}: ${what} is ${actual}, but the input has ${inChannels} channels`);
  }
}

/**
 * Checks an NHWC gradient against the [batch, height, width, channels] its kernel's attributes imply,
 * allowing extra rows and columns at the far end (which `leading` then drops).
 *
 * tfjs-core's Conv2D and MaxPool gradients drop `dimRoundingMode`, so with 'ceil' or 'round' the dy
 * they pass can be a row or column larger than the truncated geometry their kernel computes; tfjs'
 * cpu kernels then use only dy's leading rows and columns, and these kernels do the same.
 */
export function expectLeading(kernelName: string, what: string, actual: readonly number[], expected: Shape4D): void {
  const fits =
    actual.length === 4 &&
    actual[0] === expected[0] &&
    actual[3] === expected[3] &&
    (actual[1] ?? 0) >= expected[1] &&
    (actual[2] ?? 0) >= expected[2];
  if (!fits) {
    throw new KernelError(
      `${kernelName}: ${what} has shape [${actual.join(', ')}], but the convolution implies [${expected.join(', ')}]`,
    );
  }
}

/** True when `actual` is exactly `expected`. */
export function sameShape(actual: readonly number[], expected: readonly number[]): boolean {
  return actual.length === expected.length && actual.every((n, i) => n === expected[i]);
}

/** The leading `shape` block of an NHWC tensor that `expectLeading` accepted. */
export function leading(t: tf.Tensor, shape: Shape4D): tf.Tensor4D {
  return (sameShape(t.shape, shape) ? t : tf.slice(t, [0, 0, 0, 0], shape)) as tf.Tensor4D;
}

/** One input of a kernel call, which must be present. */
export function requireInput(kernelName: string, inputs: Readonly<Record<string, TensorInfo | undefined>>, name: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) {
    throw new KernelError(`${kernelName}: missing input \`${name}\``);
  }
  return info;
}

function adopt(info: TensorInfo, backend: KernelBackend): tf.Tensor {
  if (info instanceof tf.Tensor) {
    return info;
  }
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend);
}

/**
 * Runs `compute` on `inputs` (as float32 tensors) with wasm's own kernels and returns its result as
 * the kernel's output. Intermediates are disposed; the inputs keep their data.
 */
export function runComposite(
  kernelName: string,
  backend: {},
  inputs: readonly TensorInfo[],
  compute: (...tensors: tf.Tensor[]) => tf.Tensor,
): TensorInfo {
  const engine = tf.engine();
  if (engine.backendName !== 'wasm' || engine.backend !== backend) {
    throw new KernelError(`${kernelName}: this kernel is composed from wasm kernels and runs only while wasm is the active backend`);
  }
  const kernelBackend = backend as KernelBackend;
  return tf.tidy(() => {
    const tensors = inputs.map((info) => {
      const t = adopt(info, kernelBackend);
      return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
    });
    return compute(...tensors);
  });
}

/**
 * The window of rows [-top, height - top) and columns [-left, width - left) of an NHWC tensor:
 * positive offsets add rows or columns of `padValue` before it, negative ones drop them, and the far
 * side is padded with `padValue` or cropped to the requested size. Zero padding of float32 is one
 * pass of morphlat's SIMD module where it runs (wasm's Pad and Slice are generic loops: a crop by
 * Slice took a third of a resnet-mini convolution's input gradient).
 */
export function window2D(
  x: tf.Tensor4D,
  top: number,
  height: number,
  left: number,
  width: number,
  padValue = 0,
): tf.Tensor4D {
  const [, inHeight, inWidth] = x.shape;
  if (top === 0 && left === 0 && height === inHeight && width === inWidth) return x;
  if (padValue === 0 && x.dtype === 'float32') {
    const window = wasmSimdKernels(tf.backend())?.window(x, top, height, left, width);
    if (window !== undefined) return tf.engine().makeTensorFromTensorInfo(window) as tf.Tensor4D;
  }
  const padTop = Math.max(0, top);
  const padLeft = Math.max(0, left);
  const padBottom = Math.max(0, height - top - inHeight);
  const padRight = Math.max(0, width - left - inWidth);
  let y = x;
  if (padTop > 0 || padBottom > 0 || padLeft > 0 || padRight > 0) {
    y = tf.pad(y, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]], padValue);
  }
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  if (cropTop > 0 || cropLeft > 0 || y.shape[1] !== height || y.shape[2] !== width) {
    y = tf.slice(y, [0, cropTop, cropLeft, 0], [-1, height, width, -1]);
  }
  return y;
}

/**
 * Spreads an NHWC tensor's rows `strideHeight` apart and columns `strideWidth` apart, zeros in
 * between (and after the last ones): [N, H, W, C] becomes [N, H·sh, W·sw, C].
 */
export function spreadZeros(x: tf.Tensor4D, strideHeight: number, strideWidth: number): tf.Tensor4D {
  if (strideHeight === 1 && strideWidth === 1) {
    return x;
  }
  const [n, h, w, c] = x.shape;
  const spaced = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return tf.reshape(spaced, [n, h * strideHeight, w * strideWidth, c]);
}

/**
 * Every `strideHeight`-th row and `strideWidth`-th column of an NHWC tensor whose height and width are
 * multiples of the strides, starting with the first: [N, Ho·sh, Wo·sw, C] becomes [N, Ho, Wo, C].
 * A reshape and a slice of whole channel runs, several times faster on wasm than its StridedSlice.
 */
export function subsample(x: tf.Tensor4D, strideHeight: number, strideWidth: number): tf.Tensor4D {
  if (strideHeight === 1 && strideWidth === 1) {
    return x;
  }
  const [n, h, w, c] = x.shape;
  const outHeight = h / strideHeight;
  const outWidth = w / strideWidth;
  if (!Number.isInteger(outHeight) || !Number.isInteger(outWidth)) {
    throw new KernelError(`subsample: [${x.shape.join(', ')}] is not a multiple of strides [${strideHeight}, ${strideWidth}]`);
  }
  const blocks = tf.reshape(x, [n * outHeight, strideHeight, outWidth, strideWidth * c]);
  return tf.reshape(tf.slice(blocks, [0, 0, 0, 0], [n * outHeight, 1, outWidth, c]), [n, outHeight, outWidth, c]);
}

/** A reduction over the leading axes of a tensor, seen as the column sums of a [rows, columns] matrix. */
export interface LeadingReduction {
  readonly rows: number;
  readonly columns: number;
  readonly outShape: number[];
}

/**
 * When `axis` names exactly the first k axes of `shape` (0 < k < rank, none of size 0), the matrix
 * whose columns the reduction sums and the output shape (with 1s for the reduced axes when
 * `keepDims`); undefined for any other reduction.
 */
export function leadingReduction(shape: readonly number[], axis: number | number[], keepDims: boolean): LeadingReduction | undefined {
  const axes = [...new Set(util.parseAxisParam(axis, [...shape]))].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= shape.length || axes.some((a, i) => a !== i) || shape.some((d) => d === 0)) {
    return undefined;
  }
  const rows = util.sizeFromShape(shape.slice(0, k));
  const kept = shape.slice(k);
  return { rows, columns: util.sizeFromShape(kept), outShape: keepDims ? [...axes.map(() => 1), ...kept] : kept };
}

/**
 * The column means of `x` seen as `r`'s [rows, columns] matrix, each times `scale`: one average
 * pooling whose window spans all the rows (XNNPACK, one pass), where wasm's reductions first transpose
 * the reduced axes to the end. (A matrix product by a row of ones would repack `x` as its weights.)
 */
export function meanLeading(x: tf.Tensor, r: LeadingReduction, scale: number): tf.Tensor {
  const mean = tf.avgPool(tf.reshape(x, [1, r.rows, 1, r.columns]) as tf.Tensor4D, [r.rows, 1], 1, 'valid');
  return tf.reshape(scale === 1 ? mean : tf.mul(mean, scale), r.outShape);
}
