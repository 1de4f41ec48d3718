/**
 * Mean on wasm, made fast over the leading axes of a float32 tensor (a BatchNorm's batch mean and
 * variance), which wasm computes by first transposing the reduced axes to the end: one average pooling
 * over all the reduced rows. Every other case goes to wasm's own Mean.
 */
import { Mean } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, MeanAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { leadingReduction, meanLeading, requireInput, runComposite } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';

const mean: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const { inputs, backend, attrs } = args;
  const { axis, keepDims } = attrs as unknown as MeanAttrs;
  const x = requireInput(Mean, inputs, 'x');
  const leading = x.dtype === 'float32' ? leadingReduction(x.shape, axis, keepDims) : undefined;
  if (leading === undefined) {
    return wasmOwnKernel(Mean)(args);
  }
  return runComposite(Mean, backend, [x], (xT) => meanLeading(xT, leading, 1));
};

/** Mean for the 'wasm' backend: leading-axes float32 means here, the rest by wasm's own kernel. */
export const meanConfig: KernelConfig = withWasmOwnFallback(Mean, mean);
