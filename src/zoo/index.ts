export { ZOO, isZooModel, zooEntry } from './registry.js';
export type { ZooBuildOptions, ZooEntry } from './types.js';
export { modelName, resolveModel } from './resolve.js';
export type { ResolvedModel } from './resolve.js';
