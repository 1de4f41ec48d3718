/** BatchNormalization over the channel axis: passes channels through; its gammas mark them alive. */
import { UnsupportedLayerError } from '../../errors.js';
import type { LayerReader } from '../types.js';
import { baseOp } from './common.js';

export const batchnormReader: LayerReader = {
  classNames: ['BatchNormalization'],
  read(layer) {
    const axis = layer.config['axis'];
    const rank = layer.outputShape.length + 1;
    if (axis !== undefined && axis !== -1 && axis !== rank - 1) {
      throw new UnsupportedLayerError(layer.name, layer.className, `normalizes axis ${String(axis)}; only the channel axis is supported`);
    }
    return baseOp(layer, 'batchnorm');
  },
};
