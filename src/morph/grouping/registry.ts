/** The table from op kind to its grouping handler; kinds not listed get the UnsupportedHandler. */
import type { OpKind } from '../../graph/types.js';
import type { GroupingHandler } from '../types.js';
import { batchNormSourceHandler } from './batchnorm-source.js';
import { channelOwnerHandler } from './channel-owner.js';
import { concatHandler } from './concat.js';
import { depthwiseHandler } from './depthwise.js';
import { flattenHandler } from './flatten.js';
import { modelInputHandler } from './model-input.js';
import { passThroughHandler } from './pass-through.js';
import { reshapeHandler } from './reshape.js';
import { residualGroupHandler } from './residual-group.js';
import { unsupportedHandler } from './unsupported.js';

const HANDLERS: Partial<Readonly<Record<OpKind, GroupingHandler>>> = {
  input: modelInputHandler,
  conv2d: channelOwnerHandler,
  separable: channelOwnerHandler,
  dense: channelOwnerHandler,
  batchnorm: batchNormSourceHandler,
  activation: passThroughHandler,
  pool: passThroughHandler,
  'global-pool': passThroughHandler,
  dropout: passThroughHandler,
  zeropad: passThroughHandler,
  add: residualGroupHandler,
  concat: concatHandler,
  depthwise: depthwiseHandler,
  flatten: flattenHandler,
  reshape: reshapeHandler,
};

/** The grouping handler of an op kind (the UnsupportedHandler when there is none). */
export function groupingHandlerFor(kind: OpKind): GroupingHandler {
  return HANDLERS[kind] ?? unsupportedHandler;
}
