/**
 * DepthwiseConv2D: one filter (or `depthMultiplier` filters) per input channel; its output channels
 * follow its input channels, so it owns none.
 */
import type { LayerReader } from '../types.js';
import { activationOf, baseOp, flagOf, intOf, pairOf, paddingOf, requireChannelsLast } from './common.js';

export const depthwiseReader: LayerReader = {
  classNames: ['DepthwiseConv2D'],
  read(layer) {
    requireChannelsLast(layer);
    return {
      ...baseOp(layer, 'depthwise'),
      kernel: pairOf(layer, 'kernelSize', 1),
      strides: pairOf(layer, 'strides', 1),
      dilation: pairOf(layer, 'dilationRate', 1),
      padding: paddingOf(layer),
      depthMultiplier: intOf(layer, 'depthMultiplier', 1),
      useBias: flagOf(layer, 'useBias', true),
      activation: activationOf(layer),
    };
  },
};
