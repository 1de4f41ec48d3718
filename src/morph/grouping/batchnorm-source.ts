/**
 * BatchNormSourceHandler: BatchNormalization passes channels through, and its gammas are the sources of
 * the group (MorphNet's Gamma-L1). A BN without scale has no gammas and only passes channels through.
 */
import type { GroupingHandler } from '../types.js';
import { tieChannelwise } from './pass-through.js';

/** Passes channels through; its gammas (when it has them) are a source. */
export const batchNormSourceHandler: GroupingHandler = {
  name: 'BatchNormSourceHandler',
  group(op, context) {
    tieChannelwise(op, context);
    if (context.config['scale'] !== false) context.source('gamma-l1');
  },
};
