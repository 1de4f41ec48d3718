/** InputLayer: where a model's data enters; owns no weights, its channels are always alive. */
import type { LayerReader } from '../types.js';
import { baseOp, channelsOf } from './common.js';

export const inputReader: LayerReader = {
  classNames: ['InputLayer'],
  read(layer) {
    return { ...baseOp(layer, 'input'), inputShapes: [], inChannels: channelsOf(layer.outputShape) };
  },
};
