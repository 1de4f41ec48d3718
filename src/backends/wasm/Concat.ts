/**
 * Concat on wasm while training, fast along the last axis: one bulk copy per row and input, where
 * tfjs-backend-wasm 4.22 copies each row of each input from JavaScript (about 2.5 ms to join
 * inception-mini's four towers at batch 32). Used only while a training step runs (see
 * `duringWasmTraining`), so a deployed model's Concatenate keeps tfjs' own kernel; other axes,
 * dtypes and single inputs go to wasm's own.
 */
import { Concat, util } from '@tensorflow/tfjs-core';
import type { ConcatAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { floatOnLastAxis } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';
import { wasmSimdKernels } from './simd.js';

const concat: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const parts = Object.values(args.inputs) as TensorInfo[];
  const [first] = parts;
  const { axis } = args.attrs as unknown as ConcatAttrs;
  const leading = first?.shape.slice(0, -1);
  if (parts.length > 1 && parts.every((p) => floatOnLastAxis(p, axis) && util.arraysEqual(p.shape.slice(0, -1), leading ?? []))) {
    const out = wasmSimdKernels(args.backend)?.concatLast(parts);
    if (out !== undefined) return out;
  }
  return wasmOwnKernel(Concat)(args);
};

/** Concat for the 'wasm' backend while training: float32 along the last axis here, the rest by wasm's own. */
export const concatTrainingConfig: KernelConfig = withWasmOwnFallback(Concat, concat);
