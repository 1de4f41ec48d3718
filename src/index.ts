export { initBackend, isBackendName, BACKEND_NAMES } from './backends/index.js';
export type { ActiveBackend, BackendName, DeviceIdentity, GpuIdentity } from './backends/index.js';
export {
  BackendUnavailableError,
  CancelledError,
  DataError,
  KernelError,
  ModelFileError,
  MorphlatError,
  ProfileError,
  StructureError,
  UnsupportedLayerError,
  UsageError,
  isMorphlatError,
} from './errors.js';
export type { ErrorCode } from './errors.js';
export {
  buildGraph,
  fullStructure,
  loadModelFile,
  propagateAlive,
  readStructureFile,
  rebuildWithStructure,
  resizedGraph,
  saveModelFiles,
  supportedLayerClasses,
  tieGroups,
  writeStructureFile,
} from './graph/index.js';
export type { OpAlive, OpGraph, OpKind, OpNode, Shape, Structure, TieGroup } from './graph/index.js';
export {
  ANALYTIC_TARGETS,
  HARDWARE,
  analyticTargetNamed,
  flopsTarget,
  latencyTarget,
  memoryTarget,
  networkCost,
  rooflineTarget,
  sizeTarget,
} from './costs/index.js';
export type { CostGradient, CostReport, CostTarget, CostUnit, LatencyTarget, LayerCost, OpCostFunction } from './costs/index.js';
export { PROFILE_SCHEMA, parseProfile, readProfile, writeProfile } from './profile/index.js';
export type { DeviceProfile, OpProfile } from './profile/index.js';
export { ZOO, modelName, resolveModel, zooEntry } from './zoo/index.js';
export type { ZooEntry } from './zoo/index.js';
export { NetworkRegularizer, buildShrunkModel, expandStructure, snapStructure } from './morph/index.js';
export type { Expansion, PruneReport, Snap } from './morph/index.js';
export { shrink } from './shrink/index.js';
export type { ShrinkGoal, ShrinkProgress, ShrinkReport, ShrinkRequest } from './shrink/index.js';
export { evaluate, loadFashionMnist, train } from './train/index.js';
export { runProfile } from '../profilers/run.js';
export type { ProfileProgress, ProfileRequest } from '../profilers/run.js';
export { measureEndToEnd } from '../profilers/end-to-end.js';
export type { EndToEndLatency, EndToEndOptions } from '../profilers/end-to-end.js';
