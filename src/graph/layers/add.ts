/** Add: sums feature maps of equal shape, which ties the channels of all its inputs together. */
import type { LayerReader } from '../types.js';
import { baseOp } from './common.js';

export const addReader: LayerReader = {
  classNames: ['Add'],
  read(layer) {
    return baseOp(layer, 'add');
  },
};
