/** Dense: a matrix product over the last dimension that owns its output units. */
import type { LayerReader } from '../types.js';
import { activationOf, baseOp, flagOf } from './common.js';

export const denseReader: LayerReader = {
  classNames: ['Dense'],
  read(layer) {
    return {
      ...baseOp(layer, 'dense'),
      useBias: flagOf(layer, 'useBias', true),
      activation: activationOf(layer),
      ownsChannels: true,
    };
  },
};
