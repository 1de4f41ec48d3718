/**
 * DepthwiseHandler: a depthwise convolution filters each input channel on its own, so input channel i
 * lives on as outputs i·m … i·m+m−1 (m the depth multiplier): they are one channel of the network.
 */
import type { GroupingHandler } from '../types.js';

/** Ties input channel i to outputs i·m … i·m+m−1. */
export const depthwiseHandler: GroupingHandler = {
  name: 'DepthwiseHandler',
  group(op, context) {
    const m = op.depthMultiplier;
    for (let i = 0; i < op.inChannels; i++) {
      for (let k = 0; k < m; k++) context.tie(i * m + k, 0, i);
    }
  },
};
