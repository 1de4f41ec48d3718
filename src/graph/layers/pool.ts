/** Max and average pooling over a window: channels pass through, spatial size shrinks. */
import type { LayerReader } from '../types.js';
import { baseOp, pairOf, paddingOf, requireChannelsLast } from './common.js';

export const poolReader: LayerReader = {
  classNames: ['MaxPooling2D', 'AveragePooling2D'],
  read(layer) {
    requireChannelsLast(layer);
    const kernel = pairOf(layer, 'poolSize', 2);
    const strides = layer.config['strides'] === null || layer.config['strides'] === undefined ? kernel : pairOf(layer, 'strides', 1);
    return {
      ...baseOp(layer, 'pool'),
      kernel,
      strides,
      padding: paddingOf(layer),
      activation: layer.className === 'MaxPooling2D' ? 'max' : 'avg',
    };
  },
};
