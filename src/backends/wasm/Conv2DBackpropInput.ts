/**
 * Conv2DBackpropInput on wasm: the gradient of a 2-D convolution with respect to its input (the
 * transposed convolution of dy), computed by wasm's fast forward Conv2D (XNNPACK).
 *
 * tfjs-backend-wasm 4.22 has this kernel, but as a plain scalar loop that runs 7-10 times slower than
 * its forward convolution of the same size, and it was the largest single cost of a training step of
 * a conv net on wasm; so this one replaces it.
 *
 * Along one axis, with the forward pass reading xPadded[y·s + r] = x[y·s + r − pad] for tap r,
 *   dx[i] = Σ_{y, r : y·s + r = i + pad} dy[y] · W[r].
 * Split q = i + pad by its phase p = q mod s: with q = m·s + p, the taps that reach q are
 * r = p + k·s (k = 0 … K_p − 1) and y = m − k, so each phase is a stride-1 full correlation of dy
 * with the flipped sub-filter W[p::s]. Every (row phase, column phase) pair is one forward Conv2D
 * with that sub-filter's in- and out-channels swapped; the phases are then interleaved and the padding
 * cropped. No multiply is spent on zeros, unlike convolving dy spread out with zeros; a phase that no
 * tap reaches (stride larger than the filter) is zero.
 *
 * With float32 tensors and at least four input channels, morphlat's SIMD loop (./simd.ts) computes it
 * directly instead: for each dy row and tap, the matrix product of the row's pixels with the tap's
 * filter, added onto the input pixels the tap read (into a padded gradient, cropped at the end). On
 * the zoo's shapes that is 1.4-3x faster at stride 2 and for 1×1 filters, and as fast as the
 * convolution at stride 1; it reads dy as tfjs keeps it (channels last), so no transposed copy is made.
 * With fewer than four input channels (a network's first layer, whose input gradient tfjs' fused
 * convolution computes though nothing uses it; morphlat's training steps skip it, see
 * ./Conv2DLayerTraining.ts, but a direct call still asks) its vectors would hold one
 * channel; there another SIMD loop takes one dot product over the output channels per pixel, tap and
 * input channel, straight into dx.
 *
 * Like every tfjs backend, this kernel has no dilations (the Conv2D gradient requires dilation 1). It
 * computes NHWC, what wasm's Conv2D computes; NCHW (which only a direct kernel call can ask for) goes to
 * wasm's own kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { expectChannels, expectLeading, leading, requireInput, runComposite, sameShape, shape4D, spreadZeros, window2D } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';
import { wasmSimdKernels } from './simd.js';
import type { WasmSimdKernels } from './simd.js';

/** One axis of the transposed convolution: which outputs of the phase correlations are needed. */
interface AxisPlan {
  readonly stride: number;
  readonly filter: number;
  /** First and past-the-last phase index m (q = m·stride + phase) that reaches dx. */
  readonly first: number;
  readonly end: number;
  /** dx[0] sits at q = pad, i.e. at `offset` into the interleaved rows that start at q = first·stride. */
  readonly offset: number;
  readonly size: number;
}

function axisPlan(stride: number, filter: number, pad: number, size: number): AxisPlan {
  const first = Math.floor(pad / stride);
  const end = Math.ceil((pad + size) / stride);
  return { stride, filter, first, end, offset: pad - first * stride, size };
}

/** Taps of phase p: r = p, p + s, … below the filter size. */
function taps(axis: AxisPlan, phase: number): number {
  return phase >= axis.filter ? 0 : Math.ceil((axis.filter - phase) / axis.stride);
}

/**
 * The correlation of dy with the flipped sub-filter of phase (ph, pw): [batch, rows, cols, inChannels]
 * for phase indices m in [first, end) along each axis.
 */
function phase(dy: tf.Tensor4D, filter: tf.Tensor4D, rows: AxisPlan, cols: AxisPlan, ph: number, pw: number): tf.Tensor4D {
  const [batch] = dy.shape;
  const [, , inChannels] = filter.shape;
  const height = rows.end - rows.first;
  const width = cols.end - cols.first;
  const kh = taps(rows, ph);
  const kw = taps(cols, pw);
  if (kh === 0 || kw === 0) {
    return tf.zeros([batch, height, width, inChannels]);
  }
  const sub =
    rows.stride === 1 && cols.stride === 1
      ? filter
      : (tf.stridedSlice(filter, [ph, pw, 0, 0], filter.shape, [rows.stride, cols.stride, 1, 1]) as tf.Tensor4D);
  const flipped = tf.transpose(tf.reverse(sub, [0, 1]), [0, 1, 3, 2]);
  const window = window2D(dy, kh - 1 - rows.first, height + kh - 1, kw - 1 - cols.first, width + kw - 1);
  return tf.conv2d(window, flipped, 1, 'valid');
}

/** Interleaves equally shaped tensors along `axis` (1 or 2): element m of part p lands at m·parts + p. */
function interleave(parts: tf.Tensor4D[], axis: 1 | 2): tf.Tensor4D {
  const [only] = parts;
  if (parts.length === 1 && only !== undefined) {
    return only;
  }
  const [n, h, w, c] = (only as tf.Tensor4D).shape;
  const stacked = tf.stack(parts, axis + 1);
  return tf.reshape(stacked, axis === 1 ? [n, h * parts.length, w, c] : [n, h, w * parts.length, c]);
}

/** The transposed convolution of `dy` by `filter` for the geometry in `info`. Runs on tensors. */
export function transposedConv2D(dy: tf.Tensor4D, filter: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const rows = axisPlan(info.strideHeight, info.filterHeight, info.padInfo.top, info.inHeight);
  const cols = axisPlan(info.strideWidth, info.filterWidth, info.padInfo.left, info.inWidth);
  if (info.filterHeight === 1 && info.filterWidth === 1) {
    // Only phase (0, 0) has a tap: spread its rows and columns apart rather than interleave zeros.
    const spread = spreadZeros(phase(dy, filter, rows, cols, 0, 0), rows.stride, cols.stride);
    return window2D(spread, -rows.offset, rows.size, -cols.offset, cols.size);
  }
  const rowPhases: tf.Tensor4D[] = [];
  for (let ph = 0; ph < rows.stride; ph++) {
    const colPhases: tf.Tensor4D[] = [];
    for (let pw = 0; pw < cols.stride; pw++) {
      colPhases.push(phase(dy, filter, rows, cols, ph, pw));
    }
    rowPhases.push(interleave(colPhases, 2));
  }
  const all = interleave(rowPhases, 1);
  return window2D(all, -rows.offset, rows.size, -cols.offset, cols.size);
}

/** Input channels from which the SIMD tap loop is used (its vectors run along them); below, the dot-product loop. */
const SIMD_MIN_CHANNELS = 4;

const conv2DBackpropInput: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const { inputs, backend, attrs } = args;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    return wasmOwnKernel(Conv2DBackpropInput)(args);
  }
  const dy = requireInput(Conv2DBackpropInput, inputs, 'dy');
  const filter = requireInput(Conv2DBackpropInput, inputs, 'filter');
  const xShape = shape4D(Conv2DBackpropInput, 'inputShape', inputShape);
  const wShape = shape4D(Conv2DBackpropInput, 'filter', filter.shape);
  const info = backend_util.computeConv2DInfo(xShape, wShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  expectChannels(Conv2DBackpropInput, 'filter.shape[2]', wShape[2], info.inChannels);
  expectLeading(Conv2DBackpropInput, 'dy', dy.shape, info.outShape);
  const simd = wasmSimdKernels(backend);
  if (info.inChannels < SIMD_MIN_CHANNELS && sameShape(dy.shape, info.outShape)) {
    const direct = simd?.convInputGradientByDots(dy, filter, info);
    if (direct !== undefined) return direct;
  }
  return runComposite(Conv2DBackpropInput, backend, [dy, filter], (dyFull, filterT) => {
    const dyT = leading(dyFull, info.outShape);
    const byTaps = simd === undefined || info.inChannels < SIMD_MIN_CHANNELS ? undefined : simdGradient(simd, dyT, filterT as tf.Tensor4D, info);
    return byTaps ?? transposedConv2D(dyT, filterT as tf.Tensor4D, info);
  });
};

/** The gradient by morphlat's SIMD loop, cropped from the padded one it computes; undefined where it cannot run. */
function simdGradient(simd: WasmSimdKernels, dy: tf.Tensor4D, filter: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D | undefined {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const paddedHeight = Math.max(top + inHeight, (outHeight - 1) * strideHeight + filterHeight);
  const paddedWidth = Math.max(left + inWidth, (outWidth - 1) * strideWidth + filterWidth);
  const padded = simd.convInputGradient(dy, tf.transpose(filter, [0, 1, 3, 2]), info, paddedHeight, paddedWidth);
  if (padded === undefined) return undefined;
  const dx = tf.engine().makeTensorFromTensorInfo(padded) as tf.Tensor4D;
  const whole = top === 0 && left === 0 && paddedHeight === inHeight && paddedWidth === inWidth;
  return whole ? dx : window2D(dx, -top, inHeight, -left, inWidth);
}

/** Conv2DBackpropInput for the 'wasm' backend (NHWC, any stride and padding; NCHW goes to wasm's own). */
export const conv2DBackpropInputConfig: KernelConfig = withWasmOwnFallback(Conv2DBackpropInput, conv2DBackpropInput);
