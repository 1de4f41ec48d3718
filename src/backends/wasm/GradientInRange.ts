/**
 * MorphlatGradientInRange: morphlat's own wasm kernel for the gradients of ReLU, ReLU6 and
 * ClipByValue, dy where x lies in a range and 0 elsewhere, in one pass of its SIMD loop (./simd.ts).
 * tfjs-core's gradients run three to seven full-size ops for it (Step, Cast and Multiply for ReLU), a
 * few percent of a mobilenet-mini training step on wasm. Only the gradients here call it, and only
 * where the loop runs; elsewhere they keep their own forms.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';
import { requireInput } from './compose.js';
import type { WasmGradient } from './gradient.js';
import { wasmSimdKernels } from './simd.js';

/** The kernel's name in tfjs' registry. */
export const GradientInRange = 'MorphlatGradientInRange';

/** The kernel's attributes: the range x must lie in for dy to pass. */
interface GradientInRangeAttrs {
  readonly low: number;
  readonly high: number;
  readonly includeLow: boolean;
}

const gradientInRangeKernel: KernelFunc = ({ inputs, backend, attrs }): TensorInfo => {
  const { low, high, includeLow } = attrs as unknown as GradientInRangeAttrs;
  const dy = requireInput(GradientInRange, inputs, 'dy');
  const x = requireInput(GradientInRange, inputs, 'x');
  const out = wasmSimdKernels(backend)?.gradientInRange(dy, x, low, high, includeLow);
  if (out === undefined) {
    throw new KernelError(`${GradientInRange}: needs morphlat's SIMD loops on the wasm backend and float32 dy and x of one size`);
  }
  return out;
};

/** MorphlatGradientInRange for the 'wasm' backend. */
export const gradientInRangeConfig: KernelConfig = {
  kernelName: GradientInRange,
  backendName: 'wasm',
  kernelFunc: gradientInRangeKernel,
};

/**
 * A gradient that passes dy where low < x ≤ high (low ≤ x with `includeLow`), by the kernel, for
 * float32 dy and x where the SIMD loops run; undefined (the caller's own form) elsewhere.
 */
export function gradientInRange(dy: tf.Tensor, x: tf.Tensor | undefined, low: number, high: number, includeLow: boolean): Record<string, () => tf.Tensor> | undefined {
  if (x === undefined || dy.dtype !== 'float32' || x.dtype !== 'float32' || dy.size !== x.size) return undefined;
  if (wasmSimdKernels(tf.backend()) === undefined) return undefined;
  return { x: () => tf.engine().runKernel(GradientInRange, { dy, x }, { low, high, includeLow }) as tf.Tensor };
}

/** ReLU's gradient on wasm: dy where x > 0 (tfjs-core: dy · step(x), which is NaN at a NaN x, where this is 0). */
export const reluGradient: WasmGradient = (dy, saved) => gradientInRange(dy, saved[0], 0, Infinity, false);

/** ReLU6's gradient on wasm: dy where 0 < x ≤ 6 (tfjs-core: dy · (x ≤ 6) · step(x)). */
export const relu6Gradient: WasmGradient = (dy, saved) => gradientInRange(dy, saved[0], 0, 6, false);
