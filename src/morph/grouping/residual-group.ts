/**
 * ResidualGroupHandler: an Add sums its inputs channel by channel, so channel c of every input and of the
 * output is one channel: alive when any of them is, regularized by the max over their sources.
 */
import type { GroupingHandler } from '../types.js';

/** Ties channel c of every input to output channel c. */
export const residualGroupHandler: GroupingHandler = {
  name: 'ResidualGroupHandler',
  group(op, context) {
    op.inputs.forEach((_, input) => {
      for (let c = 0; c < op.outChannels; c++) context.tie(c, input, c);
    });
  },
};
