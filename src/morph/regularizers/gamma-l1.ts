/** Gamma-L1: a BatchNormalization channel's regularization value is |γ|; the channel is alive while |γ| is above the threshold. */
import * as tf from '@tensorflow/tfjs-core';
import type { OpRegularizer } from '../types.js';
import { weightVariable } from './weights.js';

/** |γ| of a BatchNormalization, one value per channel. */
export const gammaL1: OpRegularizer = {
  kind: 'gamma-l1',
  channelValues(layer) {
    return tf.abs(weightVariable(layer, ['gamma'], 'Gamma-L1')) as tf.Tensor1D;
  },
};
