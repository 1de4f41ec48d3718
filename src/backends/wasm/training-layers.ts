/**
 * The layer calls routed for the length of a training step on wasm: a tfjs-layers class whose `call`
 * does more work in training than the step needs gets a leaner one, which hands every case it does
 * not cover back to the layer's own code. The classes come from tfjs' serialization registry, so
 * nothing here loads tfjs-layers, and a class that is not registered is left alone.
 *
 * Each route lives beside the kernel it uses (BatchNormalization: ./BatchNormTraining.ts; ReLU:
 * ./ReLULayerTraining.ts; Conv2D: ./Conv2DLayerTraining.ts) and is listed in `TRAINING_LAYER_CALLS`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTrainingCall } from './BatchNormTraining.js';
import { conv2DTrainingCall } from './Conv2DLayerTraining.js';
import { clearActivationFusions, planActivationFusions } from './fused-activations.js';
import type { FusionModel } from './fused-activations.js';
import type { LayerCall, TrainingLayerCall } from './layer-call.js';
import { reluTrainingCall } from './ReLULayerTraining.js';

/** The routed classes, by the name tfjs-layers registers them under. */
export const TRAINING_LAYER_CALLS: ReadonlyArray<readonly [string, TrainingLayerCall]> = [
  ['BatchNormalization', batchNormTrainingCall],
  ['ReLU', reluTrainingCall],
  ['Conv2D', conv2DTrainingCall],
];

interface LayerClass {
  prototype: { call: LayerCall };
}

/** A layer class from tfjs' serialization registry; undefined before tfjs-layers is loaded. */
function layerClass(className: string): LayerClass | undefined {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  return entry?.[0] as unknown as LayerClass | undefined;
}

let routed: { readonly target: LayerClass; readonly own: LayerCall }[] | undefined;

/**
 * Routes the classes of `TRAINING_LAYER_CALLS` to their training-step calls, fusing the activations of
 * `model` that can be (./fused-activations.ts); undone by `restoreLayerCalls`.
 */
export function routeLayerCalls(model?: FusionModel): void {
  if (routed !== undefined) return;
  planActivationFusions(model);
  routed = [];
  for (const [className, make] of TRAINING_LAYER_CALLS) {
    const target = layerClass(className);
    if (target === undefined) continue;
    const own = target.prototype.call;
    target.prototype.call = make(own);
    routed.push({ target, own });
  }
}

/** Gives every routed class its own `call` back. */
export function restoreLayerCalls(): void {
  if (routed === undefined) return;
  for (const { target, own } of routed) target.prototype.call = own;
  routed = undefined;
  clearActivationFusions();
}
