/**
 * DepthwiseConv2dNativeBackpropInput on wasm: the gradient of a depthwise convolution with respect to
 * its input, i.e. the transposed depthwise convolution of dy.
 *
 * Each input pixel receives dy from every output that read it:
 *   dx[n, i, j, k] = Σ_{r, c, q} dySpread[n, i + pt − r·dh, j + pl − c·dw, k·m + q] · W[r, c, k, q],
 * where dySpread has dy's rows and columns placed `stride` apart with zeros between them. Shifting
 * dySpread by (effectiveFilterSize − 1 − pad) turns this into a stride-1 correlation with the
 * spatially flipped filter, dilated as in the forward pass: one depthwise convolution over the
 * channels·m channels of dy, followed by a sum over each channel's m multiplier outputs.
 *
 * With one multiplier and float32 tensors, morphlat's SIMD loop (./simd.ts) adds each dy pixel times
 * the filter onto the input pixels under its taps instead: 3-4x faster at stride 2 (where the
 * convolution runs over mostly zeros), a little faster at stride 1.
 *
 * Dilations are honoured as the adjoint of the dilated forward convolution. (tfjs' cpu, webgl and
 * webgpu kernels ignore them and assume 1, which the depthwise gradient in tfjs-core enforces.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { expectChannels, expectLeading, leading, requireInput, runComposite, sameShape, shape4D, spreadZeros, window2D } from './compose.js';
import { wasmSimdKernels } from './simd.js';

/**
 * The transposed depthwise convolution of `dy` by `filter` ([filterHeight, filterWidth, channels, m])
 * for the geometry in `info`: the gradient, with respect to the input, of the depthwise convolution
 * `info` describes. Runs on tensors; call it inside a composite kernel.
 */
export function transposedDepthwise(dy: tf.Tensor4D, filter: tf.Tensor4D, info: backend_util.Conv2DInfo): tf.Tensor4D {
  const { batchSize, inChannels, inHeight, inWidth, outChannels, effectiveFilterHeight, effectiveFilterWidth } = info;
  const [filterHeight, filterWidth, , multiplier] = filter.shape;
  const spread = spreadZeros(dy, info.strideHeight, info.strideWidth);
  const shifted = window2D(
    spread,
    effectiveFilterHeight - 1 - info.padInfo.top,
    inHeight + effectiveFilterHeight - 1,
    effectiveFilterWidth - 1 - info.padInfo.left,
    inWidth + effectiveFilterWidth - 1,
  );
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [filterHeight, filterWidth, outChannels, 1]) as tf.Tensor4D;
  const perOutput = tf.depthwiseConv2d(shifted, flipped, 1, 'valid', 'NHWC', [info.dilationHeight, info.dilationWidth]);
  if (multiplier === 1) {
    return perOutput;
  }
  return tf.sum(tf.reshape(perOutput, [batchSize, inHeight, inWidth, inChannels, multiplier]), 4) as tf.Tensor4D;
}

const depthwiseConv2dNativeBackpropInput: KernelFunc = ({ inputs, backend, attrs }): TensorInfo => {
  const name = DepthwiseConv2dNativeBackpropInput;
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const dy = requireInput(name, inputs, 'dy');
  const filter = requireInput(name, inputs, 'filter');
  const xShape = shape4D(name, 'inputShape', inputShape);
  const wShape = shape4D(name, 'filter', filter.shape);
  const info = backend_util.computeConv2DInfo(xShape, wShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
  expectChannels(name, 'filter.shape[2]', wShape[2], info.inChannels);
  expectLeading(name, 'dy', dy.shape, info.outShape);
  if (wShape[3] === 1 && sameShape(dy.shape, info.outShape)) {
    const direct = wasmSimdKernels(backend)?.depthwiseInputGradient(dy, filter, info);
    if (direct !== undefined) return direct;
  }
  return runComposite(name, backend, [dy, filter], (dyFull, filterT) =>
    transposedDepthwise(leading(dyFull, info.outShape), filterT as tf.Tensor4D, info),
  );
};

/** DepthwiseConv2dNativeBackpropInput for the 'wasm' backend (any stride, dilation, padding, multiplier). */
export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
