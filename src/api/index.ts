export { compare } from './compare.js';
export { expand } from './expand.js';
export { predict } from './predict.js';
export { profile } from './profile.js';
export { shrink } from './shrink.js';
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
} from './types.js';
