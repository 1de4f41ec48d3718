export { flopsTarget, memoryTarget, sizeTarget } from './analytic.js';
export { HARDWARE, hardwareNamed, rooflineTarget } from './roofline.js';
export type { Hardware } from './roofline.js';
export { networkCost, shownAliveIn } from './network.js';
export type { CostReport, LayerCost } from './network.js';
export { ANALYTIC_TARGETS, analyticTargetNamed } from './targets.js';
export { oneChannelGradient } from './difference.js';
export { measuresFor } from './ops/registry.js';
export type { CostGradient, CostTarget, CostUnit, OpCostFunction, OpMeasures } from './types.js';
