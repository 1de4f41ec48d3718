export * from './data/index.js';
export { checkDataFitsModel, checkInputFits, objectiveFor } from './fits.js';
export { classificationAccuracy, evaluate, resolveObjective } from './evaluate.js';
export type { EvaluateOptions, Evaluation } from './evaluate.js';
export {
  LOSS_CHOICES,
  binaryCrossEntropy,
  categoricalCrossEntropy,
  chooseObjective,
  classificationLossFor,
  endsInSoftmax,
  meanSquaredError,
  outputActivation,
  outputUnits,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from './loss.js';
export type { LossFn, LossName, Objective } from './loss.js';
export { trainingProgressBar } from './progress.js';
export type { TrainingProgress, TrainingProgressOptions } from './progress.js';
export { makeOptimizer, train } from './train.js';
export type { EpochInfo, OptimizerName, StepInfo, TrainOptions, TrainResult } from './train.js';
