/**
 * FlattenHandler: Flatten turns [H, W, C] into H·W·C features, channel fastest, so feature p·C + c is
 * channel c at position p: a channel covers all its spatial positions in the consumer's input.
 */
import { positionsOf } from '../../graph/alive.js';
import { channelsOf } from '../../graph/layers/common.js';
import type { OpNode } from '../../graph/types.js';
import type { GroupingContext, GroupingHandler } from '../types.js';

/** Ties feature p·C + c of the output to channel c of the input, for every position p. */
export function tieFlattened(op: OpNode, context: GroupingContext): void {
  const shape = op.inputShapes[0] ?? [];
  const channels = channelsOf(shape);
  const positions = positionsOf(shape);
  for (let p = 0; p < positions; p++) {
    for (let c = 0; c < channels; c++) context.tie(p * channels + c, 0, c);
  }
}

/** Ties flattened feature p·C + c to channel c. */
export const flattenHandler: GroupingHandler = {
  name: 'FlattenHandler',
  group: tieFlattened,
};
