/** Finding a layer's weight variable by its role (`gamma`, `kernel`), for the op regularizers. */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UnsupportedLayerError } from '../../errors.js';

/** The variable of `layer`'s first weight named `<layer>/<role>` among `roles`, read for differentiation. */
export function weightVariable(layer: tfl.layers.Layer, roles: readonly string[], purpose: string): tf.Variable {
  for (const role of roles) {
    const weight = layer.weights.find((w) => w.originalName.endsWith(`/${role}`));
    if (weight !== undefined) return weight.read() as tf.Variable;
  }
  throw new UnsupportedLayerError(layer.name, layer.getClassName(), `has no ${roles.join(' or ')} weight for ${purpose}`);
}
