/**
 * The gradient of FusedBatchNorm with per-channel statistics, made lean on wasm.
 *
 * With s = 1/√(variance + ε), g = scale·s and the sums Σ over every axis but the channels:
 *   ∂x = dy·g,  ∂offset = Σ dy,  ∂scale = s·Σ dy·(x − mean),
 *   ∂mean = −g·Σ dy,  ∂variance = −½·scale·s³·Σ dy·(x − mean).
 * tfjs-core's gradient computes the same values with a dozen full-size multiplies and a full-size Tile;
 * here two per-channel sums are shared and four full-size ops remain, the per-channel factors being
 * folded first. In a training step of mobilenet-mini on wasm the BatchNorm gradients are most of its
 * ~500 Multiply calls. Equal to tfjs-core's gradient up to float rounding; a BatchNorm with other
 * statistics shapes, non-float32 data, and every other backend keep tfjs-core's gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FusedBatchNormAttrs, Tensor } from '@tensorflow/tfjs-core';
import type { WasmGradient } from './gradient.js';

function perChannel(t: Tensor | undefined, channels: number): boolean {
  return t === undefined || (t.rank === 1 && t.shape[0] === channels && t.dtype === 'float32');
}

/** FusedBatchNorm's gradient on wasm for float32 x with per-channel statistics. */
export const fusedBatchNormGradient: WasmGradient = (dy, saved, attrs) => {
  const [x, mean, variance, scale] = saved;
  const channels = x?.shape[x.rank - 1] ?? 0;
  if (x === undefined || x.dtype !== 'float32' || x.rank < 2 || mean === undefined || variance === undefined) return undefined;
  if (!perChannel(mean, channels) || !perChannel(variance, channels) || !perChannel(scale, channels)) return undefined;
  const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
  const axes = [...Array(x.rank - 1).keys()];
  const vectorShape = [...axes.map(() => 1), channels];
  const inverseStd = tf.rsqrt(tf.add(variance, varianceEpsilon));
  const gain = scale === undefined ? inverseStd : tf.mul(scale, inverseStd);
  const sumDy = tf.sum(dy, axes);
  const sumDyCentred = tf.sum(tf.mul(dy, tf.sub(x, tf.reshape(mean, vectorShape))), axes);
  return {
    x: () => tf.mul(dy, tf.reshape(gain, vectorShape)),
    mean: () => tf.mul(tf.neg(gain), sumDy),
    variance: () => tf.mul(tf.mul(tf.mul(gain, tf.square(inverseStd)), -0.5), sumDyCentred),
    scale: () => tf.mul(inverseStd, sumDyCentred),
    offset: () => tf.clone(sumDy),
  };
};
