/** What a shrink run takes and what it reports. */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { CostTarget, CostUnit } from '../costs/types.js';
import type { Structure } from '../graph/alive.js';
import type { Snap } from '../morph/structure/snap.js';
import type { BatchSource } from '../train/data/source.js';
import type { LossName } from '../train/loss.js';
import type { OptimizerName } from '../train/train.js';

/** How strongly to shrink: to a share of the seed's cost, to an absolute cost, or with a fixed strength. */
export type ShrinkGoal =
  | { readonly kind: 'ratio'; readonly ratio: number }
  | { readonly kind: 'cost'; readonly cost: number }
  | { readonly kind: 'strength'; readonly strength: number };

/** Where a shrink run stands, for progress bars. */
export interface ShrinkProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
  /** The regularizer term times the strength, as added to the loss. */
  readonly regularizer: number;
  readonly cost: number;
  readonly unit: CostUnit;
  readonly alive: number;
  readonly channels: number;
  readonly imagesPerSecond: number;
}

/**
 * The floor under kept groups' widths a shrink run uses unless told otherwise: a tenth of the seed's width.
 * Without it a tight budget left one-channel bottlenecks (BENCHMARKS.md, bench:shrink).
 */
export const DEFAULT_MIN_WIDTH_RATIO = 0.1;

/** A shrink run. */
export interface ShrinkRequest {
  readonly model: tfl.LayersModel;
  readonly target: CostTarget;
  readonly train: BatchSource;
  /** Held-out data for the retrained model's accuracy (or, for regression, mean squared error). */
  readonly test?: BatchSource;
  /** The loss (default `auto`: the one that follows the model's output and the labels). */
  readonly loss?: LossName | 'auto';
  readonly goal: ShrinkGoal;
  /** Training length of the shrinking phase (give one; default 1 epoch). */
  readonly steps?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Optimizer of the shrinking phase (default SGD with momentum, so the strength sets how fast channels die). */
  readonly optimizer?: OptimizerName;
  /** Default 0.02 for SGD, 0.001 for Adam. Retraining uses Adam at its default. */
  readonly learningRate?: number;
  /** Alive threshold on regularization values (default 1e-2). */
  readonly threshold?: number;
  /**
   * Weigh the channels of a residual body or concat tower by at least what removing it whole saves,
   * so fixed per-layer costs reach the regularizer (default true; see NetworkRegularizerOptions).
   */
  readonly removalCost?: boolean;
  /**
   * No group the shrunk model keeps narrower than this share of its seed width, rounded up (default
   * DEFAULT_MIN_WIDTH_RATIO; 0: none, as MorphNet): the regularizer spares that many of each group's
   * strongest channels, and the learned structure is raised to it where the goal has room (see
   * NetworkRegularizerOptions).
   */
  readonly minWidthRatio?: number;
  /**
   * Steps between checks of the structure (exports, strength updates, stopping). Default: a 20th of the
   * run, at most 25, so a short run still checks often enough to keep the structure that meets the target.
   */
  readonly checkEvery?: number;
  /** Snap widths to the cheapest on the device (default true). */
  readonly snap?: boolean;
  /**
   * Keep every group within the seed's width when snapping (default false: a group may jump past it
   * where the profile measured wider and the device runs it clearly faster there).
   */
  readonly withinSeed?: boolean;
  /**
   * With a target cost: when the learned structure comes in under the target, widen it by one width
   * multiplier up to the target, MorphNet's expansion step (default true). Checks are a few steps apart,
   * so the structure that first meets the target can lie well below it.
   */
  readonly fill?: boolean;
  /** Epochs to train the shrunk architecture from scratch; its test accuracy goes in the report. */
  readonly retrainEpochs?: number;
  /**
   * Shrink runs to make, each with a seed of its own, keeping the one whose architecture scores best on
   * `validation` after training from scratch (default 1: one run, nothing scored).
   */
  readonly candidates?: number;
  /** The data candidates are scored on; needed with more than one candidate. */
  readonly validation?: BatchSource;
  /** Epochs each candidate's architecture trains from scratch to be scored (default `retrainEpochs`, else 1). */
  readonly candidateEpochs?: number;
  /**
   * Trainings from scratch (each with a seed of its own) a candidate's score is the mean of (default 1).
   * One training's score moves by points between seeds, as much as candidates differ by.
   */
  readonly candidateTrainings?: number;
  readonly seed?: number;
  readonly outDir: string;
  /** Continue from the last exported step in `outDir`. */
  readonly resume?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ShrinkProgress) => void;
  /** Called when a phase starts: shrinking, snapping, rebuilding, retraining. */
  readonly onPhase?: (phase: string) => void;
}

/** One of the shrink runs a run with candidates chose from. */
export interface ShrinkCandidate {
  readonly seed: number;
  readonly structure: Structure;
  readonly finalCost: number;
  /** On the validation data after training from scratch: accuracy, or minus the mean squared error (the mean over its trainings). */
  readonly validationScore: number;
  /** Each training's score, when the candidate was scored by more than one. */
  readonly validationScores?: readonly number[];
  readonly chosen: boolean;
}

/** What `DIR/report.json` holds. */
export interface ShrinkReport {
  readonly target: string;
  readonly unit: CostUnit;
  readonly initialCost: number;
  readonly finalCost: number;
  readonly steps: number;
  readonly structure: Structure;
  /** The loss trained with. */
  readonly loss: LossName;
  /** Of the retrained shrunk model on the held-out data, for classification. */
  readonly accuracy?: number;
  /** Of the retrained shrunk model on the held-out data, for regression. */
  readonly meanSquaredError?: number;
  readonly seedStructure: Structure;
  /** The learned structure: of the checks that met the target, the one of highest cost; else the last (before filling and snapping). */
  readonly learnedStructure: Structure;
  readonly strength: number;
  /** Whether removable groups weighed the secant to removal (`removalCost`). */
  readonly removalCost: boolean;
  /** The minimum width share the run kept groups at (`minWidthRatio`; 0: none). */
  readonly minWidthRatio: number;
  /** Layers raised to their minimum width after training. */
  readonly raised: readonly string[];
  /** Layers of removed groups brought back at their seed width by the fill, where widening could not use the budget. */
  readonly restored: readonly string[];
  /**
   * The width multiplier that brought the learned structure up to the target (the product of the fill
   * before snapping and the one that re-spends what steps down saved), and the learned structure's cost.
   */
  readonly fill?: { readonly multiplier: number; readonly fromCost: number };
  readonly snaps: readonly Snap[];
  /** Groups grown into the room the fill and snapping left, on a measured device (`growWithinGoal`). */
  readonly grown: readonly Snap[];
  readonly removed: readonly string[];
  readonly stoppedBecause: 'target met and settled' | 'steps done';
  /** With several candidates: every one, the chosen one's fields above (its files in `DIR/candidates/<k>/`). */
  readonly candidates?: readonly ShrinkCandidate[];
}
