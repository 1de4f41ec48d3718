/**
 * Conv2DBackpropFilter on wasm: the gradient of a 2-D convolution with respect to its filter.
 *
 * With the input zero-padded as the forward pass saw it,
 *   dW[r, c, i, o] = Σ_{n, y, x} xPadded[n, y·sh + r, x·sw + c, i] · dy[n, y, x, o],
 * a correlation of the input with dy, summed over the batch. Swapping the roles of batch and channels
 * makes it one forward convolution: the input, as [inChannels, H, W, batch], is convolved with dy, as
 * an [outHeight, outWidth, batch, outChannels] filter dilated by the forward strides, and yields the
 * gradient as [inChannels, filterHeight, filterWidth, outChannels]. A 1×1 filter needs no spatial
 * correlation: its gradient is the single matrix product xᵀ·dy over the input pixels it read.
 *
 * Like every tfjs backend, this kernel has no dilations attribute (the Conv2D gradient requires
 * dilation 1). wasm's Conv2D is NHWC only, and so is this kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';
import { expectChannels, expectLeading, leading, requireInput, runComposite, shape4D, subsample, window2D } from './compose.js';

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

  return runComposite(Conv2DBackpropFilter, backend, [x, dy], (xT, dyFull) => {
    const dyT = leading(dyFull, info.outShape);
    const { top, left } = info.padInfo;
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
    const channelsAsBatch = tf.transpose(xUsed, [3, 1, 2, 0]);
    const dyAsFilter = tf.transpose(dyT, [1, 2, 0, 3]) as tf.Tensor4D;
    const grad = tf.conv2d(channelsAsBatch, dyAsFilter, 1, 'valid', 'NHWC', [strideHeight, strideWidth]);
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
};

/** Conv2DBackpropFilter for the 'wasm' backend (NHWC; any stride and padding tfjs accepts). */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
