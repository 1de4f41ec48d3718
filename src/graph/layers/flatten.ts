/** Flatten: a feature map [H, W, C] becomes a vector of H·W·C features, channel fastest. */
import type { LayerReader } from '../types.js';
import { baseOp } from './common.js';

export const flattenReader: LayerReader = {
  classNames: ['Flatten'],
  read(layer) {
    return baseOp(layer, 'flatten');
  },
};
