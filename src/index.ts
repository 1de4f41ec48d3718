export { initBackend, isBackendName, BACKEND_NAMES, setWasmSimdEnabled } from './backends/index.js';
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
export { NetworkRegularizer, buildShrunkModel, channelPrices, expandStructure, snapStructure } from './morph/index.js';
export type { ChannelPrice, Expansion, PruneReport, Snap } from './morph/index.js';
export { runShrink } from './shrink/index.js';
export type { ShrinkGoal, ShrinkProgress, ShrinkReport, ShrinkRequest } from './shrink/index.js';
export {
  DATA_FORMATS,
  FeatureDataset,
  ImageDataset,
  LOSS_CHOICES,
  chooseObjective,
  evaluate,
  expectationFor,
  loadData,
  loadFashionMnist,
  streamSource,
  train,
} from './train/index.js';
export type {
  Batch,
  BatchSource,
  DataExpectation,
  DataFormatName,
  DataRequest,
  Evaluation,
  LabelSpec,
  LoadedData,
  LossName,
  Objective,
  StreamInput,
  TfDataset,
  TrainOptions,
  TrainResult,
} from './train/index.js';
export { compare, expand, predict, profile, shrink } from './api/index.js';
export type {
  CompareDeviceOption,
  CompareOptions,
  DataInput,
  ExpandOptions,
  Expanded,
  ExpansionGoal,
  ModelInput,
  PredictOptions,
  Prediction,
  ProfileInput,
  ProfileOptions,
  ShrinkOptions,
  StructureInput,
  TargetInput,
} from './api/index.js';
export { runProfile } from '../profilers/run.js';
export type { ProfileProgress, ProfileRequest } from '../profilers/run.js';
export { measureEndToEnd } from '../profilers/end-to-end.js';
export type { EndToEndLatency, EndToEndOptions } from '../profilers/end-to-end.js';
export { deviceMismatch } from './backends/same-device.js';
export { COMPARE_SCHEMA, compareArchitectures, compareMarkdown, writeCompareJson } from './compare/index.js';
export type { CompareArchitecture, CompareDevice, CompareDeviceInput, CompareProgress, CompareRequest, CompareResult } from './compare/index.js';
export { renderSvg, svgToPng, writeCharts } from './report/charts/index.js';
export type { Chart, RenderedChart } from './report/charts/index.js';
export { writeCompareReport } from './report/compare-page.js';
export { writeProfileReport } from './report/profile-page.js';
