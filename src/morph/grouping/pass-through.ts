/**
 * PassThroughHandler: ops that keep each channel where it is (activations, pooling, global pooling,
 * dropout, zero padding). Output channel c is input channel c.
 */
import type { OpNode } from '../../graph/types.js';
import type { GroupingContext, GroupingHandler } from '../types.js';

/** Ties output channel c to channel c of the first input. */
export function tieChannelwise(op: OpNode, context: GroupingContext): void {
  for (let c = 0; c < op.outChannels; c++) context.tie(c, 0, c);
}

/** Output channel c is input channel c. */
export const passThroughHandler: GroupingHandler = {
  name: 'PassThroughHandler',
  group: tieChannelwise,
};
