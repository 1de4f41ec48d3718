export { compareArchitectures } from './run.js';
export { deviceFolder, deviceGoal, DEFAULT_GOAL, matchedFlopsFolder, retrainingKey } from './architectures.js';
export { dataIdentity, keepAccuracy, keptAccuracy, keptOrRetrained, retrainingFile } from './retrained.js';
export type { DataIdentity, RetrainingKey } from './retrained.js';
export { CONSTANT_KIND, ownMargin, predictedLatency } from './matrix.js';
export { compareMarkdown, marginText } from './markdown.js';
export { comparePaths, writeCompareJson } from './files.js';
export { COMPARE_SCHEMA } from './types.js';
export type {
  CompareArchitecture,
  CompareDevice,
  CompareDeviceInput,
  CompareProgress,
  CompareRequest,
  CompareResult,
  CompareShrinkOptions,
  MeasureSettings,
  OwnArchitectureMargin,
} from './types.js';
