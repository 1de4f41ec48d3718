/** Concatenate on the channel axis: each input owns its slice of the output channels. */
import { UnsupportedLayerError } from '../../errors.js';
import type { LayerReader } from '../types.js';
import { baseOp, channelsOf } from './common.js';

export const concatReader: LayerReader = {
  classNames: ['Concatenate'],
  read(layer) {
    const axis = layer.config['axis'] ?? -1;
    const rank = layer.outputShape.length + 1;
    if (axis !== -1 && axis !== rank - 1) {
      throw new UnsupportedLayerError(layer.name, layer.className, `concatenates on axis ${String(axis)}; only the channel axis is supported`);
    }
    const inChannels = layer.inputShapes.reduce((sum, s) => sum + channelsOf(s), 0);
    return { ...baseOp(layer, 'concat'), inChannels };
  },
};
