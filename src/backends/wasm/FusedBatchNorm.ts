/**
 * FusedBatchNorm on wasm for training: batch normalization as one multiply and one add of per-channel
 * vectors, y = x·s + (offset − mean·s) with s = scale / √(variance + ε).
 *
 * tfjs-backend-wasm 4.22's FusedBatchNorm is a scalar loop that takes about 2.3 ms on a
 * [32, 14, 14, 96] batch, where these two broadcast ops take about 0.3 ms. In a training step a
 * BatchNormalization layer over the last axis takes morphlat's fused kernel instead
 * (./BatchNormTraining.ts); this one serves the rest there (another axis, inference calls inside a
 * step). It is used only while a training step runs (see `duringWasmTraining`),
 * so latency measured on wasm stays that of tfjs' own forward kernels, the ones a deployed model runs.
 * The result differs from wasm's own by float rounding only (the vectors are folded first).
 *
 * Handled here: float32 x whose mean, variance, offset and scale are each absent (offset 0, scale 1)
 * or hold one value per channel of x's last axis ([C], or [1, …, 1, C]). Every other case goes to
 * wasm's own kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FusedBatchNorm } from '@tensorflow/tfjs-core';
import type { FusedBatchNormAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { requireInput, runComposite } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';

/** True when `info` is absent or holds one value per channel: shape [C] or [1, …, 1, C]. */
function perChannel(info: TensorInfo | undefined, channels: number): boolean {
  if (info === undefined) return true;
  const { shape } = info;
  return shape.length >= 1 && shape[shape.length - 1] === channels && shape.slice(0, -1).every((d) => d === 1);
}

const fusedBatchNorm: KernelFunc = (args): TensorInfo | TensorInfo[] => {
  const { inputs, backend, attrs } = args;
  const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
  const x = requireInput(FusedBatchNorm, inputs, 'x');
  const channels = x.shape[x.shape.length - 1] ?? 0;
  const vectors = [requireInput(FusedBatchNorm, inputs, 'mean'), requireInput(FusedBatchNorm, inputs, 'variance'), inputs['offset'], inputs['scale']];
  if (x.dtype !== 'float32' || x.shape.length === 0 || channels === 0 || !vectors.every((v) => perChannel(v, channels))) {
    return wasmOwnKernel(FusedBatchNorm)(args);
  }
  const names = (['x', 'mean', 'variance', 'offset', 'scale'] as const).filter((name) => inputs[name] !== undefined);
  return runComposite(FusedBatchNorm, backend, names.map((name) => inputs[name] as TensorInfo), (...tensors) => {
    const given = new Map(names.map((name, i) => [name, tensors[i] as tf.Tensor]));
    const vector = (name: (typeof names)[number]): tf.Tensor | undefined => {
      const t = given.get(name);
      return t === undefined ? undefined : tf.reshape(t, [channels]);
    };
    const inverseStd = tf.rsqrt(tf.add(vector('variance') as tf.Tensor, varianceEpsilon));
    const scaleT = vector('scale');
    const offsetT = vector('offset');
    const s = scaleT === undefined ? inverseStd : tf.mul(scaleT, inverseStd);
    const shift = tf.neg(tf.mul(vector('mean') as tf.Tensor, s));
    const b = offsetT === undefined ? shift : tf.add(offsetT, shift);
    const vectorShape = [...x.shape.slice(0, -1).map(() => 1), channels];
    return tf.add(tf.mul(given.get('x') as tf.Tensor, tf.reshape(s, vectorShape)), tf.reshape(b, vectorShape));
  });
};

/** FusedBatchNorm for the 'wasm' backend while training: per-channel float32 cases here, the rest by wasm's own. */
export const fusedBatchNormTrainingConfig: KernelConfig = withWasmOwnFallback(FusedBatchNorm, fusedBatchNorm);
