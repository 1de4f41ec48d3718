/**
 * DepthwiseConv2dNativeBackpropFilter on wasm: the gradient of a depthwise convolution with respect to
 * its [filterHeight, filterWidth, channels, multiplier] filter.
 *
 * With the input zero-padded as the forward pass saw it,
 *   dW[r, c, k, q] = Σ_{n, y, x} xPadded[n, y·sh + r·dh, x·sw + c·dw, k] · dy[n, y, x, k·m + q],
 * a per-channel correlation of the input with dy, summed over the batch. That is itself a depthwise
 * convolution once the batch is folded into the channels: the input, as one [H, W, batch·channels]
 * image, is convolved with dy, as an [outHeight, outWidth, batch·channels, m] filter, using the
 * forward dilations as strides and the forward strides as dilations. Its [filterHeight, filterWidth,
 * batch·channels·m] output, summed over the batch, is the gradient.
 *
 * With one multiplier (the usual depthwise convolution) and float32 tensors, morphlat's SIMD loop
 * (./simd.ts) accumulates the products directly, 10-15x faster than that convolution (XNNPACK's
 * depthwise kernel with a filter the size of the feature map); the convolution remains for the rest.
 *
 * Dilations are honoured as the adjoint of the dilated forward convolution. (tfjs' cpu, webgl and
 * webgpu kernels ignore them and assume 1, which the depthwise gradient in tfjs-core enforces.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, DepthwiseConv2dNativeBackpropFilter } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { expectChannels, expectLeading, leading, requireInput, runComposite, sameShape, shape4D, window2D } from './compose.js';
import { wasmSimdKernels } from './simd.js';

const depthwiseConv2dNativeBackpropFilter: KernelFunc = ({ inputs, backend, attrs }): TensorInfo => {
  const name = DepthwiseConv2dNativeBackpropFilter;
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const x = requireInput(name, inputs, 'x');
  const dy = requireInput(name, inputs, 'dy');
  const xShape = shape4D(name, 'x', x.shape);
  const wShape = shape4D(name, 'filterShape', filterShape);
  const info = backend_util.computeConv2DInfo(xShape, wShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
  expectChannels(name, 'filterShape[2]', wShape[2], info.inChannels);
  expectLeading(name, 'dy', dy.shape, info.outShape);

  const { batchSize, inChannels, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const multiplier = wShape[3];
  const usedHeight = (outHeight - 1) * strideHeight + info.effectiveFilterHeight;
  const usedWidth = (outWidth - 1) * strideWidth + info.effectiveFilterWidth;
  const lanes = batchSize * inChannels;
  if (multiplier === 1 && sameShape(dy.shape, info.outShape)) {
    const direct = wasmSimdKernels(backend)?.depthwiseFilterGradient(x, dy, info);
    if (direct !== undefined) return direct;
  }

  return runComposite(name, backend, [x, dy], (xT, dyFull) => {
    const dyT = leading(dyFull, info.outShape);
    const xUsed = window2D(xT as tf.Tensor4D, info.padInfo.top, usedHeight, info.padInfo.left, usedWidth);
    const image = batchSize === 1 ? xUsed : tf.reshape(tf.transpose(xUsed, [1, 2, 0, 3]), [1, usedHeight, usedWidth, lanes]);
    const dyLanes = batchSize === 1 ? dyT : tf.transpose(dyT, [1, 2, 0, 3]);
    const dyAsFilter = tf.reshape(dyLanes, [outHeight, outWidth, lanes, multiplier]) as tf.Tensor4D;
    const perSample = tf.depthwiseConv2d(
      image as tf.Tensor4D,
      dyAsFilter,
      [dilationHeight, dilationWidth],
      'valid',
      'NHWC',
      [strideHeight, strideWidth],
    );
    if (batchSize === 1) {
      return tf.reshape(perSample, wShape);
    }
    const summed = tf.sum(tf.reshape(perSample, [wShape[0], wShape[1], batchSize, inChannels * multiplier]), 2);
    return tf.reshape(summed, wShape);
  });
};

/** DepthwiseConv2dNativeBackpropFilter for the 'wasm' backend (any stride, dilation, padding, multiplier). */
export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
