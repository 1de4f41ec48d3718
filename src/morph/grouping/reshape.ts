/**
 * ReshapeHandler: a Reshape that keeps the channel axis passes channels through; one to a vector flattens
 * them (channel fastest). Any other Reshape mixes channels, and the grouping cannot follow it.
 */
import { UnsupportedLayerError } from '../../errors.js';
import { channelsOf } from '../../graph/layers/common.js';
import type { GroupingHandler } from '../types.js';
import { tieFlattened } from './flatten.js';
import { tieChannelwise } from './pass-through.js';

/** Pass-through when the channel axis is kept, Flatten to a vector; UnsupportedLayerError otherwise. */
export const reshapeHandler: GroupingHandler = {
  name: 'ReshapeHandler',
  group(op, context) {
    const inShape = op.inputShapes[0] ?? [];
    if (channelsOf(inShape) === op.outChannels) return tieChannelwise(op, context);
    if (op.outputShape.length === 1) return tieFlattened(op, context);
    throw new UnsupportedLayerError(
      op.name,
      op.className,
      `reshapes ${JSON.stringify(inShape)} to ${JSON.stringify(op.outputShape)}, which mixes channels; channel grouping needs the channel axis kept or a flat output`,
    );
  },
};
