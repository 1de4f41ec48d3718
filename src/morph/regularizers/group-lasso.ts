/**
 * Group-Lasso: an output channel's regularization value is the L2 norm of its slice of the kernel (the
 * pointwise kernel of a SeparableConv2D), for groups no BatchNormalization regularizes. The norm is taken as
 * √(Σw² + 1e-12) so its gradient stays finite at a zero slice; the 1e-6 this adds is far below any
 * useful threshold.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OpRegularizer } from '../types.js';
import { weightVariable } from './weights.js';

const EPSILON = 1e-12;

/** The L2 norm of each output channel's kernel slice. */
export const groupLasso: OpRegularizer = {
  kind: 'group-lasso',
  channelValues(layer) {
    const kernel = weightVariable(layer, ['pointwise_kernel', 'kernel'], 'Group-Lasso');
    const outChannels = kernel.shape[kernel.shape.length - 1] ?? 0;
    const squares = tf.sum(tf.square(tf.reshape(kernel, [-1, outChannels])), 0);
    return tf.sqrt(tf.add(squares, EPSILON)) as tf.Tensor1D;
  },
};
