/**
 * A probe: one layer of a given geometry, built at chosen alive input and output channel counts, with
 * its weights and input tensors ready, so that one run is exactly the layer's work in `predict`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-layers';
import type { Geometry } from '../src/profile/schema.js';

/** A built probe; `dispose` frees its weights and inputs. */
export interface BuiltProbe {
  run(): tf.Tensor;
  dispose(): void;
}

const WIDTH_FIELDS: Readonly<Record<string, string>> = { Conv2D: 'filters', SeparableConv2D: 'filters', Dense: 'units' };

type LayerClass = new (config: Record<string, unknown>) => tfl.layers.Layer;

function layerClass(className: string): LayerClass {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) throw new Error(`tfjs-layers has no layer class ${className}`);
  return entry[0] as unknown as LayerClass;
}

/** Input channel counts per input: Add repeats `aIn`, Concatenate splits it as evenly as it can. */
export function inputChannels(g: Geometry, aIn: number): number[] {
  const k = g.inputShapes.length;
  if (g.kind !== 'concat') return g.inputShapes.map(() => aIn);
  return Array.from({ length: k }, (_, i) => Math.floor(aIn / k) + (i < aIn % k ? 1 : 0));
}

/** The output channels a probe of `g` has at input channels `aIn` when the layer does not own them. */
export function derivedOut(g: Geometry, aIn: number, ownOut: number): number {
  switch (g.kind) {
    case 'conv2d':
    case 'separable':
    case 'dense':
      return ownOut;
    case 'depthwise':
      return aIn * g.depthMultiplier;
    case 'flatten':
      return aIn * g.inputShapes[0]!.slice(0, -1).reduce((a, b) => a * b, 1);
    case 'reshape':
      return g.outputShape[g.outputShape.length - 1] ?? ownOut;
    default:
      return aIn;
  }
}

/** Builds the layer of `g` at (aIn, aOut) and its random inputs at `batch`. */
export function buildProbe(g: Geometry, aIn: number, aOut: number, batch: number): BuiltProbe {
  const config: Record<string, unknown> = { ...g.config };
  const widthField = WIDTH_FIELDS[g.className];
  if (widthField !== undefined) config[widthField] = aOut;
  const layer = new (layerClass(g.className))(config);
  const channels = inputChannels(g, aIn);
  const inputs = g.inputShapes.map((shape, i) =>
    tf.randomNormal([batch, ...shape.slice(0, -1), g.kind === 'reshape' ? (shape[shape.length - 1] ?? 1) : (channels[i] ?? aIn)], 0, 1, 'float32', 3),
  );
  const feed = inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs;
  // In a tidy, as `predict` runs its layers: some layers' intermediates (ReLU with a maxValue) would leak.
  const run = (): tf.Tensor => tf.tidy(() => layer.apply(feed) as tf.Tensor);
  tf.dispose(run());
  return {
    run,
    dispose: () => {
      layer.dispose();
      tf.dispose(inputs);
    },
  };
}
