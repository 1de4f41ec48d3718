/**
 * Sum on wasm, made fast for the reduction training does most: over the leading axes of a float32
 * tensor (a BatchNorm's batch statistics and its gradients, the gradient of a per-channel broadcast),
 * which wasm computes by first transposing the reduced axes to the end. That case is one average
 * pooling over all the reduced rows, times their count; every other case goes to wasm's own Sum.
 */
import { Sum } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { leadingReduction, meanLeading, requireInput, runComposite } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';

const sum: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const { inputs, backend, attrs } = args;
  const { axis, keepDims } = attrs as unknown as SumAttrs;
  const x = requireInput(Sum, inputs, 'x');
  const leading = x.dtype === 'float32' ? leadingReduction(x.shape, axis, keepDims) : undefined;
  if (leading === undefined) {
    return wasmOwnKernel(Sum)(args);
  }
  return runComposite(Sum, backend, [x], (xT) => meanLeading(xT, leading, leading.rows));
};

/** Sum for the 'wasm' backend: leading-axes float32 sums here, the rest by wasm's own kernel. */
export const sumConfig: KernelConfig = withWasmOwnFallback(Sum, sum);
