/**
 * Adam on wasm as one kernel per variable: tfjs' AdamOptimizer runs a dozen small kernels per variable
 * and step (about 4.5 ms of a ~65 ms mobilenet-mini step on wasm, most of it per-kernel overhead);
 * `MorphlatAdamUpdate` does the same arithmetic, in the same order, in one pass of morphlat's SIMD loop
 * (./simd.ts) and returns the new value and moments, which are assigned as tfjs assigns them.
 *
 * `WasmAdamOptimizer` is tfjs' AdamOptimizer (same state, weights, serialization) whose
 * `applyGradients` takes that kernel while wasm is the active backend with its SIMD loops, and tfjs'
 * own code everywhere else, for both forms tfjs passes gradients in: a map by variable name, or the
 * list by variable position that `minimize(f, returnCost, varList)` (what `train()` calls) hands on. It keeps tfjs' state layout (its moments by variable position, named
 * `<variable>/m` and `<variable>/v`), read through the private fields tfjs 4.22 declares.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';
import { requireInput } from './compose.js';
import { wasmSimdKernels } from './simd.js';
import type { AdamStep } from './simd.js';

/** The kernel's name in tfjs' registry. */
export const AdamUpdate = 'MorphlatAdamUpdate';

const adamUpdateKernel: KernelFunc = ({ inputs, backend, attrs }): TensorInfo[] => {
  const [value, m, v, g] = (['value', 'm', 'v', 'g'] as const).map((name) => requireInput(AdamUpdate, inputs, name)) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  const out = wasmSimdKernels(backend)?.adamUpdate(value, m, v, g, attrs as unknown as AdamStep);
  if (out === undefined) throw new KernelError(`${AdamUpdate}: needs morphlat's SIMD loops on the wasm backend and float32 tensors of one size`);
  return out;
};

/** MorphlatAdamUpdate for the 'wasm' backend: inputs value, m, v, g; outputs the new value, m and v. */
export const adamUpdateConfig: KernelConfig = {
  kernelName: AdamUpdate,
  backendName: 'wasm',
  kernelFunc: adamUpdateKernel,
};

interface Moment {
  originalName: string;
  variable: tf.Variable;
}

/** The AdamOptimizer state tfjs 4.22 keeps in private fields. */
interface AdamState {
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;
  readonly accumulatedFirstMoment: (Moment | undefined)[];
  readonly accumulatedSecondMoment: (Moment | undefined)[];
}

/** tfjs' AdamOptimizer with one kernel per variable on wasm (see the header). */
export class WasmAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const grads: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor])
      : Object.entries(variableGradients);
    if (tf.getBackend() !== 'wasm' || wasmSimdKernels(tf.backend()) === undefined || grads.some(([, g]) => g !== undefined && g !== null && g.dtype !== 'float32')) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    tf.tidy(() => {
      const step: AdamStep = {
        beta1: this.beta1,
        beta2: this.beta2,
        firstCorrection: 1 - (state.accBeta1.dataSync()[0] ?? 0),
        secondCorrection: 1 - (state.accBeta2.dataSync()[0] ?? 0),
        learningRate: this.learningRate,
        epsilon: this.epsilon,
      };
      grads.forEach(([name, g], i) => {
        const value = tf.engine().registeredVariables[name];
        if (value === undefined) throw new KernelError(`Adam: no variable named ${name}`);
        const moment = (list: (Moment | undefined)[], suffix: string): tf.Variable => {
          list[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          return list[i]!.variable;
        };
        const m = moment(state.accumulatedFirstMoment, 'm');
        const v = moment(state.accumulatedSecondMoment, 'v');
        if (g === undefined || g === null) return;
        const [newValue, newM, newV] = tf.engine().runKernel(AdamUpdate, { value, m, v, g }, step as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(newM!);
        v.assign(newV!);
        value.assign(newValue!);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}
