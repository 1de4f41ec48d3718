/**
 * SplitV on wasm while training, fast along the last axis: one bulk copy per row and part, where
 * tfjs-backend-wasm 4.22 slices each part with a generic loop (about 2.7 ms to split the gradient of
 * inception-mini's four towers at batch 32; Concat's gradient is a split). Used only while a training
 * step runs (see `duringWasmTraining`); other axes and dtypes go to wasm's own kernel.
 */
import { backend_util, SplitV } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { floatOnLastAxis, requireInput } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';
import { wasmSimdKernels } from './simd.js';

const splitV: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const x = requireInput(SplitV, args.inputs, 'x');
  const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
  if (floatOnLastAxis(x, axis)) {
    const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, x.shape.length - 1);
    const out = wasmSimdKernels(args.backend)?.splitLast(x, sizes);
    if (out !== undefined) return out;
  }
  return wasmOwnKernel(SplitV)(args);
};

/** SplitV for the 'wasm' backend while training: float32 along the last axis here, the rest by wasm's own. */
export const splitVTrainingConfig: KernelConfig = withWasmOwnFallback(SplitV, splitV);
