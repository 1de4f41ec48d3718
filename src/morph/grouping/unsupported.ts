/**
 * UnsupportedHandler: the default for op kinds the grouping has no handler for. It stops the walk with
 * an UnsupportedLayerError naming the layer and its class, instead of a crash deep in the walk.
 */
import { UnsupportedLayerError } from '../../errors.js';
import type { GroupingHandler } from '../types.js';

/** Throws UnsupportedLayerError naming the op's layer and class. */
export const unsupportedHandler: GroupingHandler = {
  name: 'UnsupportedHandler',
  group(op) {
    throw new UnsupportedLayerError(op.name, op.className, `channel grouping has no handler for \`${op.kind}\` ops`);
  },
};
