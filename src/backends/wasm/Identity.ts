/**
 * Identity on wasm while training: the output shares the input's data (one more reference to it), as
 * tfjs' cpu backend and wasm's own Reshape do, where tfjs-backend-wasm 4.22's Identity copies it.
 *
 * Under a gradient tape tfjs-core clones, through Identity, every tensor a kernel saves for its
 * gradient, so on wasm a training step copied each activation it kept: 363 copies and about 16 ms of a
 * ~100 ms mobilenet-mini step at batch 32. Tensors are immutable in tfjs (kernels write only outputs
 * they make, a variable's assign swaps its data), so sharing is safe. Used only while a training step
 * runs (see `duringWasmTraining`), as the other training kernels are; strings go to wasm's own kernel.
 */
import { Identity } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { requireInput } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';

const identity: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const x = requireInput(Identity, args.inputs, 'x');
  if (x.dtype === 'string') return wasmOwnKernel(Identity)(args);
  (args.backend as KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

/** Identity for the 'wasm' backend while training: shares the data (strings by wasm's own kernel). */
export const identityTrainingConfig: KernelConfig = withWasmOwnFallback(Identity, identity);
