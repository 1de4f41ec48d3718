/**
 * A tfjs-layers Conv2D layer in a training step on wasm, without the input gradient nothing uses.
 *
 * tfjs-layers convolves with `tf.fused.conv2d`, whose gradient computes the input's and the filter's
 * gradients together, whether or not anything takes the input's: a network's first convolution, fed
 * by the data, pays for an input gradient that is dropped (2-3 ms of a 45-70 ms step of the zoo's
 * models on wasm, batch 32). Where the layer's input needs no gradient (it is no variable and no
 * output of an op the step's gradient tape recorded), the call here convolves the same way (the same
 * Conv2D kernel; no bias and a linear activation, as every zoo convolution before a BatchNormalization)
 * under a custom gradient that computes the filter's gradient alone, by the same Conv2DBackpropFilter
 * kernel. Every other call runs the layer's own code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import { onlyInput } from './layer-call.js';
import type { LayerCall, TrainingLayerCall } from './layer-call.js';

/** The parts of a tfjs-layers Conv2D layer read here. */
interface Conv2DLayer {
  readonly rank: number;
  readonly strides: number[];
  readonly padding: string;
  readonly dataFormat: string;
  readonly dilationRate: number | number[];
  readonly activation: { getClassName(): string } | null;
  readonly bias: unknown;
  readonly kernel: { read(): tf.Tensor } | null;
}

/** True when a gradient could flow into `x` in the running gradient tape: it is a variable or an op's output there. */
function mayNeedGradient(x: tf.Tensor): boolean {
  if (x instanceof tf.Variable) return true;
  const tape = tf.engine().state.activeTape;
  if (tape === null || tape === undefined) return true;
  for (let i = tape.length - 1; i >= 0; i--) if (tape[i]!.outputs.some((output) => output.id === x.id)) return true;
  return false;
}

/** The layer's convolution, with the filter's gradient alone (see the header). */
function convolveData(x: tf.Tensor4D, filter: tf.Tensor4D, strides: [number, number], pad: 'same' | 'valid'): tf.Tensor4D {
  const filterShape = filter.shape;
  const convolve = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.conv2d(x, w, strides, pad),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(Conv2DBackpropFilter, { x: saved[0]!, dy }, { strides, pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor,
    };
  });
  return convolve(filter) as tf.Tensor4D;
}

/** Conv2D's call in a training step: no input gradient where the input needs none (see the header). */
export const conv2DTrainingCall: TrainingLayerCall = (own: LayerCall): LayerCall =>
  function (this: Conv2DLayer, inputs, kwargs) {
    const input = onlyInput(inputs);
    const filter = this.kernel?.read();
    const [sh, sw] = this.strides;
    const dilations = Array.isArray(this.dilationRate) ? this.dilationRate : [this.dilationRate];
    const plain =
      this.rank === 2 &&
      this.bias == null &&
      (this.activation === null || this.activation.getClassName() === 'linear') &&
      this.dataFormat === 'channelsLast' &&
      dilations.every((d) => d === 1) &&
      (this.padding === 'same' || this.padding === 'valid') &&
      sh !== undefined &&
      sw !== undefined;
    if (!plain || filter === undefined || input === undefined || input.rank !== 4 || input.dtype !== 'float32' || tf.getBackend() !== 'wasm' || mayNeedGradient(input)) {
      return own.call(this, inputs, kwargs);
    }
    return convolveData(input as tf.Tensor4D, filter as tf.Tensor4D, [sh, sw], this.padding as 'same' | 'valid');
  };
