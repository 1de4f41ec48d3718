/**
 * Conv2DBackpropFilter on wasm: the gradient of a 2-D convolution with respect to its filter.
 *
 * With the input zero-padded as the forward pass saw it,
 *   dW[r, c, i, o] = Σ_{n, y, x} xPadded[n, y·sh + r, x·sw + c, i] · dy[n, y, x, o],
 * a correlation of the input with dy, summed over the batch. Swapping the roles of batch and channels
 * makes it one forward convolution: the input, as [inChannels, H, W, batch], is convolved with dy, as
 * an [outHeight, outWidth, batch, outChannels] filter dilated by the forward strides, and yields the
 * gradient as [inChannels, filterHeight, filterWidth, outChannels]. A 1×1 filter needs no spatial
 * correlation: its gradient is the single matrix product xᵀ·dy over the input pixels it read; nor does
 * a stride-1 filter over one input channel (`singleChannelGradient`).
 *
 * Where morphlat's SIMD loops run (./simd.ts), the sum is computed directly instead, as one small
 * matrix product per dy row and tap in register tiles: 1.5-2.6x faster than the convolution above on
 * the zoo's 3x3 shapes, 1.2-1.4x for 1×1 filters; those compositions remain where the loops cannot run.
 *
 * Like every tfjs backend, this kernel has no dilations attribute (the Conv2D gradient requires
 * dilation 1). wasm's Conv2D is NHWC only, and so is this kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';
import { expectChannels, expectLeading, leading, requireInput, runComposite, shape4D, subsample, window2D } from './compose.js';
import type { Shape4D } from './compose.js';
import { wasmSimdKernels } from './simd.js';
import type { WasmSimdKernels } from './simd.js';

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }): TensorInfo => {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new KernelError(
      `${Conv2DBackpropFilter}: dataFormat '${String(dataFormat)}' is not supported on wasm (its Conv2D is NHWC only); use 'NHWC'`,
    );
  }
  const x = requireInput(Conv2DBackpropFilter, inputs, 'x');
  const dy = requireInput(Conv2DBackpropFilter, inputs, 'dy');
  const xShape = shape4D(Conv2DBackpropFilter, 'x', x.shape);
  const wShape = shape4D(Conv2DBackpropFilter, 'filterShape', filterShape);
  const info = backend_util.computeConv2DInfo(xShape, wShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  expectChannels(Conv2DBackpropFilter, 'filterShape[2]', wShape[2], info.inChannels);
  expectLeading(Conv2DBackpropFilter, 'dy', dy.shape, info.outShape);

  const { batchSize, inChannels, outChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const usedHeight = (outHeight - 1) * strideHeight + filterHeight;
  const usedWidth = (outWidth - 1) * strideWidth + filterWidth;

  const simd = wasmSimdKernels(backend);
  return runComposite(Conv2DBackpropFilter, backend, [x, dy], (xT, dyFull) => {
    const dyT = leading(dyFull, info.outShape);
    const { top, left } = info.padInfo;
    if (simd !== undefined) {
      const direct = simdGradient(simd, xT as tf.Tensor4D, dyT, info, usedHeight, usedWidth);
      if (direct !== undefined) return tf.engine().makeTensorFromTensorInfo(direct);
    }
    if (filterHeight === 1 && filterWidth === 1) {
      const xBlocks = window2D(xT as tf.Tensor4D, top, outHeight * strideHeight, left, outWidth * strideWidth);
      const xTaps = subsample(xBlocks, strideHeight, strideWidth);
      const positions = batchSize * outHeight * outWidth;
      const xRows = tf.reshape(xTaps, [positions, inChannels]);
      const dyRows = tf.reshape(dyT, [positions, outChannels]);
      const grad =
        outChannels <= inChannels
          ? tf.transpose(tf.matMul(tf.transpose(dyRows), xRows))
          : tf.matMul(tf.transpose(xRows), dyRows);
      return tf.reshape(grad, wShape);
    }
    const xUsed = window2D(xT as tf.Tensor4D, top, usedHeight, left, usedWidth);
    if (inChannels === 1 && strideHeight === 1 && strideWidth === 1) {
      return singleChannelGradient(xUsed, dyT, wShape);
    }
    const channelsAsBatch = tf.transpose(xUsed, [3, 1, 2, 0]);
    const dyAsFilter = tf.transpose(dyT, [1, 2, 0, 3]) as tf.Tensor4D;
    const grad = tf.conv2d(channelsAsBatch, dyAsFilter, 1, 'valid', 'NHWC', [strideHeight, strideWidth]);
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
};

/**
 * The gradient by morphlat's SIMD loop, which reads any rows and columns of its input it is given,
 * so the input is padded only where the convolution read padding, and never cropped. A strided 1×1
 * filter reads every other pixel: those are gathered first (`subsample`, a quarter of the input at
 * stride 2), which the loop then reads at stride 1, twice as fast as reading them in place.
 */
function simdGradient(
  simd: WasmSimdKernels,
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  info: backend_util.Conv2DInfo,
  usedHeight: number,
  usedWidth: number,
): TensorInfo | undefined {
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const [, inHeight, inWidth] = x.shape;
  if (filterHeight === 1 && filterWidth === 1 && (strideHeight > 1 || strideWidth > 1)) {
    const blocks = window2D(x, top, outHeight * strideHeight, left, outWidth * strideWidth);
    return simd.convFilterGradient(subsample(blocks, strideHeight, strideWidth), dy, { ...info, strideHeight: 1, strideWidth: 1 });
  }
  const inside = top === 0 && left === 0 && usedHeight <= inHeight && usedWidth <= inWidth;
  return simd.convFilterGradient(inside ? x : window2D(x, top, usedHeight, left, usedWidth), dy, info);
}

/**
 * The stride-1 filter gradient of a convolution with one input channel (a grayscale stem): the input
 * window under each tap, as one row of all batch positions, stacked into a [taps, positions] matrix,
 * times dy as [positions, outChannels]. About twice as fast as the correlation above for one channel
 * (whose batch of one image makes XNNPACK compute a handful of output pixels); no faster from three up.
 */
function singleChannelGradient(xUsed: tf.Tensor4D, dy: tf.Tensor4D, wShape: Shape4D): tf.Tensor {
  const [batch, outHeight, outWidth, outChannels] = dy.shape;
  const [filterHeight, filterWidth] = wShape;
  const [, usedHeight, usedWidth] = xUsed.shape;
  const positions = batch * outHeight * outWidth;
  const planes = tf.reshape(xUsed, [batch, usedHeight, usedWidth]);
  const taps: tf.Tensor[] = [];
  for (let r = 0; r < filterHeight; r++) {
    for (let c = 0; c < filterWidth; c++) {
      taps.push(tf.reshape(tf.slice(planes, [0, r, c], [batch, outHeight, outWidth]), [1, positions]));
    }
  }
  return tf.reshape(tf.matMul(tf.concat(taps, 0), tf.reshape(dy, [positions, outChannels])), wShape);
}

/** Conv2DBackpropFilter for the 'wasm' backend (NHWC; any stride and padding tfjs accepts). */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
