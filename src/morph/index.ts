export { NetworkRegularizer } from './network-regularizer.js';
export { GammaProximal } from './proximal.js';
export { groupChannels, groupModelChannels } from './grouping/group-channels.js';
export type { GroupingOptions } from './grouping/group-channels.js';
export { groupingHandlerFor } from './grouping/registry.js';
export { batchNormSourceHandler } from './grouping/batchnorm-source.js';
export { channelOwnerHandler } from './grouping/channel-owner.js';
export { concatHandler } from './grouping/concat.js';
export { depthwiseHandler } from './grouping/depthwise.js';
export { flattenHandler } from './grouping/flatten.js';
export { modelInputHandler } from './grouping/model-input.js';
export { passThroughHandler } from './grouping/pass-through.js';
export { reshapeHandler } from './grouping/reshape.js';
export { residualGroupHandler } from './grouping/residual-group.js';
export { unsupportedHandler } from './grouping/unsupported.js';
export { opRegularizerFor } from './regularizers/registry.js';
export { gammaL1 } from './regularizers/gamma-l1.js';
export { groupLasso } from './regularizers/group-lasso.js';
export type {
  ChannelGroup,
  ChannelRef,
  FixedReason,
  GroupMember,
  GroupSource,
  GroupState,
  Grouping,
  GroupingContext,
  GroupingHandler,
  NetworkRegularizerOptions,
  OpChannels,
  OpRegularizer,
  SourceKind,
} from './types.js';
export {
  buildShrunkModel,
  channelPrices,
  expandStructure,
  groupCounts,
  scaleStructure,
  shrunkTopology,
  snapStructure,
  snapWindow,
  structureCost,
  withGroupCount,
} from './structure/index.js';
export type { ChannelPrice, Expansion, PruneReport, Snap } from './structure/index.js';
