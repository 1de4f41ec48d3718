/** Global max and average pooling: a feature map becomes one value per channel. */
import type { LayerReader } from '../types.js';
import { baseOp, requireChannelsLast } from './common.js';

export const globalPoolReader: LayerReader = {
  classNames: ['GlobalAveragePooling2D', 'GlobalMaxPooling2D'],
  read(layer) {
    requireChannelsLast(layer);
    return { ...baseOp(layer, 'global-pool'), activation: layer.className === 'GlobalMaxPooling2D' ? 'max' : 'avg' };
  },
};
