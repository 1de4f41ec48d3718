/**
 * What a layer call routed for a training step on wasm is (see ./training-layers.ts): a function of
 * the layer class's own `call`, used as the class's `call` while the step runs.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** A tfjs-layers Layer's `call`, with `this` the layer (each route types the fields it reads; tfjs-layers does not export them). */
export type LayerCall = (this: any, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** Makes a layer class's training-step call from its own. */
export type TrainingLayerCall = (own: LayerCall) => LayerCall;

/** The one tensor a layer is called on, or undefined where it is called on several. */
export function onlyInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | undefined {
  return Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
}
