/**
 * SplitV on wasm while training, fast along the last axis: one bulk copy per row and part, where
 * tfjs-backend-wasm 4.22 slices each part with a generic loop (about 2.7 ms to split the gradient of
 * inception-mini's four towers at batch 32; Concat's gradient is a split). Used only while a training
 * step runs (see `duringWasmTraining`); other axes and dtypes go to wasm's own kernel.
 */
import { backend_util, SplitV, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { requireInput } from './compose.js';
import { wasmOwnKernel, wasmOwnSetup } from './own.js';
import { wasmSimdKernels } from './simd.js';

const splitV: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const x = requireInput(SplitV, args.inputs, 'x');
  const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
  const rank = x.shape.length;
  if (x.dtype === 'float32' && rank > 0 && util.sizeFromShape(x.shape) > 0 && util.parseAxisParam(axis, [...x.shape])[0] === rank - 1) {
    const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, rank - 1);
    const out = wasmSimdKernels(args.backend)?.splitLast(x, sizes);
    if (out !== undefined) return out;
  }
  return wasmOwnKernel(SplitV)(args);
};

/** SplitV for the 'wasm' backend while training: float32 along the last axis here, the rest by wasm's own. */
export const splitVTrainingConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: 'wasm',
  kernelFunc: splitV,
  setupFunc: wasmOwnSetup(SplitV),
};
