/**
 * A tfjs-layers ReLU layer with a maximum of 6 (ReLU6, as MobileNets use it) in a training step on
 * wasm, as one Relu6 kernel.
 *
 * The layer computes `clipByValue(relu(x), 0, 6)`: two full passes forward, two saved copies and two
 * gradient passes back. `tf.relu6` is the same function, and its gradient (dy where 0 < x ≤ 6, one pass
 * of morphlat's SIMD loop on wasm, see ./GradientInRange.ts) is the product of the two: ReLU's passes
 * dy where x > 0, and the clip's then passes it where relu(x) ≤ 6. Every other layer (no maximum,
 * another maximum, another dtype, another backend) runs its own code. A ReLU layer whose
 * BatchNormalization layer applied the activation already in this step (./fused-activations.ts)
 * passes its input on.
 */
import * as tf from '@tensorflow/tfjs-core';
import { takeActivated } from './fused-activations.js';
import { onlyInput } from './layer-call.js';
import type { LayerCall, TrainingLayerCall } from './layer-call.js';

/** The part of a tfjs-layers ReLU layer read here. */
interface ReLULayer {
  readonly maxValue?: number | null;
}

/** ReLU's call in a training step: its input where already activated, `tf.relu6` for a maximum of 6 on wasm (see the header). */
export const reluTrainingCall: TrainingLayerCall = (own: LayerCall): LayerCall =>
  function (this: ReLULayer, inputs, kwargs) {
    const input = onlyInput(inputs);
    if (input !== undefined && takeActivated(this, input)) return input;
    if (this.maxValue !== 6 || input === undefined || input.dtype !== 'float32' || tf.getBackend() !== 'wasm') return own.call(this, inputs, kwargs);
    return tf.relu6(input);
  };
