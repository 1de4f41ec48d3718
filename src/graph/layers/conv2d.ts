/** Conv2D: a dense convolution that owns its output channels. */
import type { LayerReader } from '../types.js';
import { activationOf, baseOp, flagOf, pairOf, paddingOf, requireChannelsLast } from './common.js';

export const conv2dReader: LayerReader = {
  classNames: ['Conv2D'],
  read(layer) {
    requireChannelsLast(layer);
    return {
      ...baseOp(layer, 'conv2d'),
      kernel: pairOf(layer, 'kernelSize', 1),
      strides: pairOf(layer, 'strides', 1),
      dilation: pairOf(layer, 'dilationRate', 1),
      padding: paddingOf(layer),
      useBias: flagOf(layer, 'useBias', true),
      activation: activationOf(layer),
      ownsChannels: true,
    };
  },
};
