/** Dropout: the identity at inference; channels pass through. */
import type { LayerReader } from '../types.js';
import { baseOp } from './common.js';

export const dropoutReader: LayerReader = {
  classNames: ['Dropout', 'SpatialDropout2D'],
  read(layer) {
    return baseOp(layer, 'dropout');
  },
};
