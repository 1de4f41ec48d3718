/**
 * SeparableConv2D: a depthwise convolution (with `depthMultiplier`) then a 1x1 pointwise convolution
 * that owns the output channels. Kept as one op; costs price its two halves.
 */
import type { LayerReader } from '../types.js';
import { activationOf, baseOp, flagOf, intOf, pairOf, paddingOf, requireChannelsLast } from './common.js';

export const separableReader: LayerReader = {
  classNames: ['SeparableConv2D'],
  read(layer) {
    requireChannelsLast(layer);
    return {
      ...baseOp(layer, 'separable'),
      kernel: pairOf(layer, 'kernelSize', 1),
      strides: pairOf(layer, 'strides', 1),
      dilation: pairOf(layer, 'dilationRate', 1),
      padding: paddingOf(layer),
      depthMultiplier: intOf(layer, 'depthMultiplier', 1),
      useBias: flagOf(layer, 'useBias', true),
      activation: activationOf(layer),
      ownsChannels: true,
    };
  },
};
