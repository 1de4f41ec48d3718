export { buildGraph, consumersOf, opByName } from './build.js';
export { fullStructure, positionsOf, propagateAlive } from './alive.js';
export type { OpAlive, Structure } from './alive.js';
export { fileModelReader, fileModelWriter, loadModelFile, saveModelFiles } from './model-file.js';
export { readStructureFile, writeStructureFile } from './structure-file.js';
export { supportedLayerClasses } from './layers/registry.js';
export type { LayerReader, LayerView, OpGraph, OpKind, OpNode, Padding, Shape } from './types.js';
