export { canResumeShrink, candidateDir, runShrink } from './candidates.js';
export { retrainFromScratch } from './retrain.js';
export type { RetrainOptions, RetrainResult } from './retrain.js';
export { StrengthController } from './strength.js';
export type { StrengthGoal } from './strength.js';
export { reportMarkdown, shrinkPaths } from './files.js';
export { DEFAULT_MIN_WIDTH_RATIO } from './types.js';
export type { ShrinkCandidate, ShrinkGoal, ShrinkProgress, ShrinkReport, ShrinkRequest } from './types.js';
