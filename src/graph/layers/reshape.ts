/** Reshape: rearranges elements without moving data; channels pass only when the last axis is kept. */
import type { LayerReader } from '../types.js';
import { baseOp } from './common.js';

export const reshapeReader: LayerReader = {
  classNames: ['Reshape'],
  read(layer) {
    return baseOp(layer, 'reshape');
  },
};
