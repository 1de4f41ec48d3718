/** ZeroPadding2D: pads height and width with zeros; channels pass through. */
import type { LayerReader } from '../types.js';
import { baseOp, requireChannelsLast } from './common.js';

export const zeropadReader: LayerReader = {
  classNames: ['ZeroPadding2D'],
  read(layer) {
    requireChannelsLast(layer);
    return baseOp(layer, 'zeropad');
  },
};
