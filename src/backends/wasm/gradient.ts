/**
 * Gradients made faster on wasm: a replacement handles the cases it speeds up while wasm is the active
 * backend, and tfjs' own gradient (the one registered before) does everything else.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

/** The gradients of a kernel's inputs for the cases a replacement handles; undefined for tfjs' own. */
export type WasmGradient = (dy: tf.Tensor, saved: tf.Tensor[], attrs: NamedAttrMap) => Record<string, () => tf.Tensor> | undefined;

/** `original` with `fast` in front of it while wasm is the active backend (same kernel, same saved inputs). */
export function withWasmGradient(original: GradConfig, fast: WasmGradient): GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const own = tf.getBackend() === 'wasm' && !Array.isArray(dy) ? fast(dy as tf.Tensor, saved, attrs) : undefined;
      return own ?? original.gradFunc(dy, saved, attrs);
    },
  };
}
