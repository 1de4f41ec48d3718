/** Elementwise activations as layers of their own: channels pass through unchanged. */
import type { LayerReader } from '../types.js';
import { activationOf, baseOp } from './common.js';

const NAMED: Readonly<Record<string, string>> = { ReLU: 'relu', LeakyReLU: 'leakyrelu', ELU: 'elu', Softmax: 'softmax' };

export const activationReader: LayerReader = {
  classNames: ['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax'],
  read(layer) {
    const op = baseOp(layer, 'activation');
    const named = NAMED[layer.className];
    if (named === 'relu' && typeof layer.config['maxValue'] === 'number') {
      return { ...op, activation: `relu${String(layer.config['maxValue'])}` };
    }
    return { ...op, activation: named ?? activationOf(layer) };
  },
};
