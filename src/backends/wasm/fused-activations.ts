/**
 * BatchNormalization → ReLU/ReLU6 pairs of one model that a training step on wasm runs as one fused
 * kernel: the BatchNormalization layer's call returns the activated values (./BatchNormTraining.ts)
 * and the ReLU layer's call then passes them on (./ReLULayerTraining.ts), which saves the activation's
 * pass forward and its gradient's pass back (the fused gradient masks dy as it goes).
 *
 * Only a model's own graph says which pairs are safe: the normalized values must reach nothing but
 * the activation, so a pair is fused only where the BatchNormalization layer has one call site in the
 * model, feeding exactly one layer, a ReLU layer (no maximum, or 6) with one call site, and its output
 * is not one of the model's outputs. Without a model nothing is fused.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BatchNormActivation } from './simd.js';

/** The parts of tfjs-layers' graph read here (a Node and a Layer; not in tfjs-layers' public typings). */
interface GraphNode {
  readonly outboundLayer: GraphLayer;
  readonly outputTensors: readonly { readonly id: number }[];
}
interface GraphLayer {
  getClassName(): string;
  readonly inboundNodes: readonly GraphNode[];
  readonly outboundNodes: readonly GraphNode[];
  readonly maxValue?: number | null;
}

/** A model as far as this module reads it. */
export interface FusionModel {
  readonly layers: readonly object[];
  readonly outputs: readonly { readonly id: number }[];
}

/** The fused activation of a BatchNormalization layer, and the layer that applied it before. */
export interface FusedActivation {
  readonly activation: Exclude<BatchNormActivation, 'linear'>;
  readonly consumer: object;
}

/** The ReLU layers' activations: no maximum is ReLU, 6 is ReLU6; any other maximum is not fused. */
function activationOf(layer: GraphLayer): FusedActivation['activation'] | undefined {
  if (layer.getClassName() !== 'ReLU') return undefined;
  if (layer.maxValue === undefined || layer.maxValue === null) return 'relu';
  return layer.maxValue === 6 ? 'relu6' : undefined;
}

/** The fusible pairs of `model`, by BatchNormalization layer (see the header). */
export function activationFusions(model: FusionModel): Map<object, FusedActivation> {
  const outputs = new Set(model.outputs.map((t) => t.id));
  const own = new Set(model.layers);
  const pairs = new Map<object, FusedActivation>();
  for (const layer of model.layers as GraphLayer[]) {
    if (layer.getClassName() !== 'BatchNormalization' || layer.inboundNodes.length !== 1 || layer.outboundNodes.length !== 1) continue;
    const output = layer.inboundNodes[0]!.outputTensors;
    const consumer = layer.outboundNodes[0]!.outboundLayer;
    const activation = activationOf(consumer);
    if (activation === undefined || !own.has(consumer) || consumer.inboundNodes.length !== 1) continue;
    if (output.length !== 1 || outputs.has(output[0]!.id)) continue;
    pairs.set(layer, { activation, consumer });
  }
  return pairs;
}

/** Each model's pairs, found once: a model's graph does not change after it is built. */
const plans = new WeakMap<FusionModel, Map<object, FusedActivation>>();
let planned: Map<object, FusedActivation> | undefined;
/** For each consumer, the tensor its BatchNormalization layer already activated in this step. */
const activated = new Map<object, tf.Tensor>();

/** Fuses `model`'s pairs until `clearActivationFusions` (nothing without a model). */
export function planActivationFusions(model: FusionModel | undefined): void {
  if (model !== undefined && !plans.has(model)) plans.set(model, activationFusions(model));
  planned = model === undefined ? undefined : plans.get(model);
  activated.clear();
}

/** Ends the fusions `planActivationFusions` planned. */
export function clearActivationFusions(): void {
  planned = undefined;
  activated.clear();
}

/** The activation a BatchNormalization layer applies in this step, if it is fused. */
export function fusedActivationOf(layer: object): FusedActivation | undefined {
  return planned?.get(layer);
}

/** Records that `consumer`'s input `y` is already activated. */
export function markActivated(consumer: object, y: tf.Tensor): void {
  activated.set(consumer, y);
}

/** True (once) when `input` is the tensor `consumer`'s BatchNormalization layer already activated. */
export function takeActivated(consumer: object, input: tf.Tensor): boolean {
  if (activated.get(consumer) !== input) return false;
  activated.delete(consumer);
  return true;
}
