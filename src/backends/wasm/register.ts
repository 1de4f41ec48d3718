/**
 * Registers the gradient kernels that tfjs-backend-wasm 4.22 lacks, gets wrong or runs too slowly to
 * train on, built from its own fast kernels.
 *
 * Training the conv nets morphlat handles (conv/BN/ReLU/ReLU6/pooling/dense, residual adds,
 * depthwise and separable convolutions, concatenation, zero padding, dropout; Adam or momentum SGD;
 * softmax cross-entropy) dispatches three kernels wasm does not have, and one (MaxPoolGrad) that it
 * computes wrongly; every other gradient is composed from forward kernels or has a correct wasm
 * kernel (AvgPoolGrad, ...). Four more are replaced for speed, measured on a resnet-mini training step:
 * Conv2DBackpropInput (wasm's is a scalar loop, 7-10x slower than its forward Conv2D), Tile (which the
 * BatchNorm gradient calls; wasm's copies one element at a time), and Sum and Mean over leading axes
 * (BatchNorm statistics and gradients; wasm's transpose first).
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';
import { meanConfig } from './Mean.js';
import { keepWasmOwn } from './own.js';
import { sumConfig } from './Sum.js';
import { tileConfig } from './Tile.js';

/** Kernels wasm lacks: registered unless some kernel of that name is already there. */
export const WASM_MISSING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
];

/**
 * Kernels wasm has but computes wrongly (MaxPoolGrad) or slowly (the others): they replace wasm's own,
 * which is kept (Sum and Mean hand it the reductions they do not speed up).
 */
export const WASM_REPLACED_KERNELS: readonly KernelConfig[] = [
  maxPoolGradConfig,
  conv2DBackpropInputConfig,
  tileConfig,
  sumConfig,
  meanConfig,
];

function registered(config: KernelConfig): KernelConfig | undefined {
  return getKernel(config.kernelName, config.backendName) as KernelConfig | undefined;
}

/** Registers every missing or replaced wasm gradient kernel; calling it again changes nothing. */
export function registerWasmGradientKernels(): void {
  for (const config of WASM_MISSING_KERNELS) {
    if (registered(config) === undefined) {
      registerKernel(config);
    }
  }
  for (const config of WASM_REPLACED_KERNELS) {
    const current = registered(config);
    if (current?.kernelFunc === config.kernelFunc) {
      continue;
    }
    if (current !== undefined) {
      keepWasmOwn(current);
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
  }
}
