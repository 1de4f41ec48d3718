/**
 * The gradient of ClipByValue (a ReLU layer with a maximum, as ReLU6), made fast on wasm: dy where
 * min ≤ x ≤ max, else 0, as dy · (1 − step(min − x) − step(x − max)).
 *
 * tfjs-core's gradient builds the mask from GreaterEqual, LessEqual, LogicalAnd and Select, which
 * wasm runs as generic broadcasting loops: about 7.5 ms on a [32, 14, 14, 96] batch, a quarter of a
 * mobilenet-mini training step. The steps, subtractions and multiplies are XNNPACK's and take about
 * 0.7 ms together; where morphlat's SIMD loops run, one pass of MorphlatGradientInRange does it all
 * (./GradientInRange.ts). For finite bounds min ≤ max, non-NaN x and finite dy the two gradients are equal
 * (x − c > 0 exactly when x > c in IEEE arithmetic, and a step at 0 is 0); every other case, and every
 * other backend, keeps tfjs-core's gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ClipByValueAttrs } from '@tensorflow/tfjs-core';
import type { WasmGradient } from './gradient.js';
import { gradientInRange } from './GradientInRange.js';

/** True when the fast form equals tfjs-core's gradient for every non-NaN x and finite dy. */
function exactBounds(min: number, max: number): boolean {
  return Number.isFinite(min) && Number.isFinite(max) && min <= max;
}

/** ClipByValue's gradient on wasm for finite bounds and float32 x. */
export const clipByValueGradient: WasmGradient = (dy, saved, attrs) => {
  const { clipValueMin, clipValueMax } = attrs as unknown as ClipByValueAttrs;
  const [x] = saved;
  if (x === undefined || x.dtype !== 'float32' || !exactBounds(clipValueMin, clipValueMax)) return undefined;
  return gradientInRange(dy, x, clipValueMin, clipValueMax, true) ?? {
    x: () => {
      const outside = tf.add(tf.step(tf.sub(clipValueMin, x)), tf.step(tf.sub(x, clipValueMax)));
      return tf.mul(dy, tf.sub(1, outside));
    },
  };
};
