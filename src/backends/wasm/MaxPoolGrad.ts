/**
 * MaxPoolGrad on wasm: the gradient of 2-D max pooling, routing each output's dy to the one input
 * pixel that was its window's maximum.
 *
 * tfjs-backend-wasm 4.22 ships a MaxPoolGrad that misroutes the gradient of every window whose
 * maximum is negative (it lands on element 0 of dx instead of on the maximum). That is invisible after
 * a ReLU but silently corrupts training wherever max pooling sees negative values (raw inputs,
 * BatchNorm outputs, linear convolutions), so this kernel replaces it. (wasm's MaxPoolWithArgmax has
 * the same defect, so it cannot serve here either.)
 *
 * tfjs semantics (the cpu kernel's): only pixels inside the input compete, the first maximum in
 * row-major window order wins ties, and a window whose maximum is −∞ (or that holds no input pixel)
 * passes no gradient.
 *
 * The T = filterHeight·filterWidth pixels of every window are gathered at once by a depthwise
 * convolution with one-hot filters (filter t is 1 at tap t), which copies values exactly; taps that
 * fall in the padding get −∞. ArgMax over the taps picks the first maximum, a one-hot of it times dy
 * says what each tap receives, and the transposed depthwise convolution with the same one-hot filters
 * adds those shares back onto the input pixels. Because the gather multiplies by 0, inputs of ±∞
 * compete as ±3.4e38 (only a tie between an infinity and ±3.4e38 can differ from the cpu kernel), and
 * a NaN input, which the cpu kernel skips, makes its windows' routing undefined.
 *
 * Windows that tile the input (filter equal to stride, no padding: the usual 2×2 pooling) take a
 * shorter path, several times faster on wasm, where ArgMax and OneHot are slow generic loops: each
 * tap of the windows is gathered on its own, a tap holds its window's maximum where maximum − tap is
 * not positive (a Step), the first such tap in window order takes dy, and the taps' shares are padded
 * back into place and added.
 *
 * Where morphlat's SIMD loops run (./simd.ts) and dy has exactly the pooled shape, one loop does it all
 * instead, with the same semantics and exact for every input (±∞ and NaN included): 7-9x faster than
 * the compositions on the zoo's 2x2 pooling layers at batch 32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { expectLeading, leading, requireInput, runComposite, sameShape, shape4D, window2D } from './compose.js';
import { transposedDepthwise } from './DepthwiseConv2dNativeBackpropInput.js';
import { wasmSimdKernels } from './simd.js';

const FLOAT32_MAX = 3.4028234663852886e38;

/** [filterHeight, filterWidth, channels, T]: filter t picks window tap t of every channel. */
function tapPickers(filterHeight: number, filterWidth: number, channels: number): tf.Tensor4D {
  const taps = filterHeight * filterWidth;
  const identity = tf.cast(tf.oneHot(tf.range(0, taps, 1, 'int32'), taps), 'float32');
  return tf.mul(tf.reshape(identity, [filterHeight, filterWidth, 1, taps]), tf.ones([1, 1, channels, 1]));
}

/**
 * dx of windows that tile the input without overlap or padding: `x` [N, Ho·fh, Wo·fw, C] cropped to the
 * windows, `y` and `dy` [N, Ho, Wo, C].
 */
function tiledMaxPoolGrad(x: tf.Tensor4D, y: tf.Tensor4D, dy: tf.Tensor4D, filterHeight: number, filterWidth: number): tf.Tensor4D {
  const [n, outHeight, outWidth, channels] = dy.shape;
  const finite = tf.clipByValue(x, -FLOAT32_MAX, FLOAT32_MAX);
  const windowMax = tf.maxPool(finite as tf.Tensor4D, [filterHeight, filterWidth], [filterHeight, filterWidth], 'valid');
  // −y − MAX is positive only for y = −∞: such a window passes no gradient.
  const liveDy = tf.mul(dy, tf.sub(1, tf.step(tf.sub(tf.neg(y), FLOAT32_MAX))));
  // Each tap is gathered by a depthwise convolution with a one-hot filter and each share placed back
  // by a 6-D pad: XNNPACK's, where wasm's Slice, StridedSlice and Pack here are generic loops 10-100
  // times slower.
  const pickers = tf.split(tapPickers(filterHeight, filterWidth, channels), filterHeight * filterWidth, 3) as tf.Tensor4D[];
  let unclaimed: tf.Tensor = tf.onesLike(liveDy);
  const placed: tf.Tensor[] = [];
  for (let r = 0; r < filterHeight; r++) {
    for (let c = 0; c < filterWidth; c++) {
      const picker = pickers[r * filterWidth + c] as tf.Tensor4D;
      const tap = tf.depthwiseConv2d(finite as tf.Tensor4D, picker, [filterHeight, filterWidth], 'valid');
      const isMax = tf.sub(1, tf.step(tf.sub(windowMax, tap)));
      const wins = tf.mul(isMax, unclaimed);
      unclaimed = tf.sub(unclaimed, wins);
      const share = tf.reshape(tf.mul(liveDy, wins), [n, outHeight, 1, outWidth, 1, channels]);
      const padded = tf.pad(share, [
        [0, 0],
        [0, 0],
        [r, filterHeight - 1 - r],
        [0, 0],
        [c, filterWidth - 1 - c],
        [0, 0],
      ]);
      placed.push(tf.reshape(padded, [n, outHeight * filterHeight, outWidth * filterWidth, channels]));
    }
  }
  // Pairwise adds: wasm's AddN of these is a generic loop, 20 times slower than its Add.
  return placed.reduce((sum, p) => tf.add(sum, p)) as tf.Tensor4D;
}

const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }): TensorInfo => {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const dy = requireInput(MaxPoolGrad, inputs, 'dy');
  const input = requireInput(MaxPoolGrad, inputs, 'input');
  const output = requireInput(MaxPoolGrad, inputs, 'output');
  const xShape = shape4D(MaxPoolGrad, 'input', input.shape);
  const pool = backend_util.computePool2DInfo(xShape, filterSize, strides, 1, pad, dimRoundingMode);
  expectLeading(MaxPoolGrad, 'dy', dy.shape, pool.outShape);
  expectLeading(MaxPoolGrad, 'output', output.shape, pool.outShape);

  const { batchSize, inChannels, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = pool;
  const { filterHeight, filterWidth } = pool;
  const { top, left } = pool.padInfo;
  const taps = filterHeight * filterWidth;
  const tapInfo = backend_util.computeConv2DInfo(
    xShape,
    [filterHeight, filterWidth, inChannels, taps],
    [strideHeight, strideWidth],
    1,
    pad,
    dimRoundingMode,
    true,
  );
  const usedHeight = (outHeight - 1) * strideHeight + filterHeight;
  const usedWidth = (outWidth - 1) * strideWidth + filterWidth;
  const touchesPadding = top > 0 || left > 0 || usedHeight - top > inHeight || usedWidth - left > inWidth;

  const tiles = filterHeight === strideHeight && filterWidth === strideWidth && !touchesPadding;

  if (sameShape(dy.shape, pool.outShape)) {
    const direct = wasmSimdKernels(backend)?.maxPoolGradient(input, dy, pool);
    if (direct !== undefined) return direct;
  }

  return runComposite(MaxPoolGrad, backend, [dy, input, output], (dyFull, xT, yFull) => {
    const dyT = leading(dyFull, pool.outShape);
    const yT = leading(yFull, pool.outShape);
    if (tiles) {
      const dx = tiledMaxPoolGrad(window2D(xT as tf.Tensor4D, 0, usedHeight, 0, usedWidth), yT, dyT, filterHeight, filterWidth);
      return window2D(dx, 0, inHeight, 0, inWidth);
    }
    const pickers = tapPickers(filterHeight, filterWidth, inChannels);
    const gather = (image: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D =>
      tf.depthwiseConv2d(window2D(image, top, usedHeight, left, usedWidth), filter, [strideHeight, strideWidth], 'valid');
    const finite = tf.clipByValue(xT, -FLOAT32_MAX, FLOAT32_MAX) as tf.Tensor4D;
    let windows: tf.Tensor = tf.reshape(gather(finite, pickers), [batchSize, outHeight, outWidth, inChannels, taps]);
    if (touchesPadding) {
      const inside = gather(tf.ones([1, inHeight, inWidth, 1]), tapPickers(filterHeight, filterWidth, 1));
      windows = tf.add(windows, tf.reshape(tf.log(inside), [1, outHeight, outWidth, 1, taps]));
    }
    const winner = tf.argMax(windows, 4);
    const liveDy = tf.where(tf.greater(yT, Number.NEGATIVE_INFINITY), dyT, tf.zerosLike(dyT));
    const dyPerTap = tf.depthwiseConv2d(liveDy as tf.Tensor4D, tf.ones([1, 1, inChannels, taps]) as tf.Tensor4D, 1, 'valid');
    const isWinner = tf.reshape(tf.cast(tf.oneHot(winner, taps), 'float32'), dyPerTap.shape);
    return transposedDepthwise(tf.mul(isWinner, dyPerTap), pickers, tapInfo);
  });
};

/**
 * MaxPoolGrad for the 'wasm' backend, replacing tfjs-backend-wasm's own (wrong for negative window
 * maxima); tfjs semantics for every filter size, stride, padding and rounding mode.
 */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
