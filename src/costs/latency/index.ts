export { isLatencyTarget, latencyTarget } from './target.js';
export type { LatencySource, LatencyTarget } from './target.js';
export { fittedLatency } from './fitted.js';
export type { LatencyFunction } from './fitted.js';
export { familyKeyOf, latencyFamilyFor } from './registry.js';
export { isUnaligned, roundUp } from './types.js';
export type { LatencyFamily, Steps } from './types.js';
