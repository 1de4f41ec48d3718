/**
 * Cast on wasm while training: a cast to the dtype the tensor already has shares its data, as tfjs'
 * cpu backend does, where tfjs-backend-wasm 4.22 copies it.
 *
 * tfjs-core's avgPool and moments cast their float32 input to float32 before anything else, so a wasm
 * training step copied every BatchNorm input and every tensor morphlat's leading-axes Sum and Mean pool
 * over (about 100 copies a mobilenet-mini step). Used only while a training step runs (see
 * `duringWasmTraining`); casts that change the dtype go to wasm's own kernel.
 */
import { Cast } from '@tensorflow/tfjs-core';
import type { CastAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { requireInput } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';

const cast: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const x = requireInput(Cast, args.inputs, 'x');
  const { dtype } = args.attrs as unknown as CastAttrs;
  if (dtype !== x.dtype || x.dtype === 'string') return wasmOwnKernel(Cast)(args);
  (args.backend as KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype };
};

/** Cast for the 'wasm' backend while training: same-dtype casts share the data, the rest by wasm's own. */
export const castTrainingConfig: KernelConfig = withWasmOwnFallback(Cast, cast);
