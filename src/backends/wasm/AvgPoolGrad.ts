/**
 * AvgPoolGrad on wasm: the gradient of 2-D average pooling, each output's dy spread evenly over its
 * window, i.e. the transposed depthwise convolution of dy with a filter whose every tap is
 * 1/(filterHeight·filterWidth).
 *
 * tfjs semantics (the cpu kernel's): the divisor is the whole window's size even where the window
 * overlaps padding, and the geometry is the pooling's without a rounding mode (tfjs-core's gradient
 * does not pass one; a larger dy's extra rows and columns are dropped, as for MaxPoolGrad).
 *
 * tfjs-backend-wasm 4.22's AvgPoolGrad is a scalar loop; as a transposed depthwise convolution it runs
 * morphlat's DepthwiseConv2dNativeBackpropInput (a SIMD loop where those run, see ./simd.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { AvgPoolGrad, backend_util, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import type { AvgPoolGradAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { expectLeading, leading, requireInput, runComposite, shape4D } from './compose.js';

const avgPoolGrad: KernelFunc = ({ inputs, backend, attrs }): TensorInfo => {
  const { filterSize, strides, pad } = attrs as unknown as AvgPoolGradAttrs;
  const dy = requireInput(AvgPoolGrad, inputs, 'dy');
  const input = requireInput(AvgPoolGrad, inputs, 'input');
  const xShape = shape4D(AvgPoolGrad, 'input', input.shape);
  const pool = backend_util.computePool2DInfo(xShape, filterSize, strides, 1, pad);
  expectLeading(AvgPoolGrad, 'dy', dy.shape, pool.outShape);
  const { filterHeight, filterWidth, inChannels } = pool;
  return runComposite(AvgPoolGrad, backend, [dy], (dyFull) => {
    const share = tf.fill([filterHeight, filterWidth, inChannels, 1], 1 / (filterHeight * filterWidth));
    const dyT = leading(dyFull, pool.outShape);
    return tf.engine().runKernel(DepthwiseConv2dNativeBackpropInput, { dy: dyT, filter: share }, {
      strides: [pool.strideHeight, pool.strideWidth],
      pad,
      dilations: 1,
      inputShape: xShape,
    }) as tf.Tensor;
  });
};

/** AvgPoolGrad for the 'wasm' backend, replacing tfjs-backend-wasm's scalar loop; tfjs semantics. */
export const avgPoolGradConfig: KernelConfig = {
  kernelName: AvgPoolGrad,
  backendName: 'wasm',
  kernelFunc: avgPoolGrad,
};
