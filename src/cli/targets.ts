/**
 * The `--target` and `--profile` options as a cost target: MorphNet's analytic ones, or latency from a profile;
 * the options of how the regularizer treats groups: `--removal-cost` (groups that can be removed whole)
 * and `--min-width-ratio` (a floor under the groups kept); and the options of a run as the best of
 * several candidates (`--candidates`, `--candidate-epochs`, `--candidate-trainings`).
 */
import { analyticTargetNamed, latencyTarget } from '../costs/index.js';
import type { CostTarget } from '../costs/index.js';
import { UsageError } from '../errors.js';
import { readProfile } from '../profile/io.js';
import { DEFAULT_MIN_WIDTH_RATIO } from '../shrink/index.js';
import type { ShrinkRequest } from '../shrink/index.js';
import type { CliArgs, OptionSpec } from './command.js';
import { numberArg } from './command.js';

/** The target named `name`; `latency` needs `profileFile`. */
export async function costTargetOption(name: string, profileFile: string | undefined, batch = 1): Promise<CostTarget> {
  if (name !== 'latency') return analyticTargetNamed(name, batch);
  if (profileFile === undefined) throw new UsageError('`--target latency` needs `--profile <device profile>`');
  return latencyTarget(await readProfile(profileFile), { batch });
}

/** `--removal-cost` of the commands that shrink (`--no-removal-cost`: MorphNet's derivatives only). */
export const REMOVAL_COST_OPTION: OptionSpec = {
  type: 'boolean',
  describe: 'weigh the channels of a residual body or concat tower by what removing it whole saves, fixed per-layer costs included (--no-removal-cost: derivatives only, as MorphNet)',
  default: true,
};

/** `--min-width-ratio` of the commands that shrink. */
export const MIN_WIDTH_RATIO_OPTION: OptionSpec = {
  type: 'number',
  describe: 'keep every group that stays at least this share of its seed width, rounded up (0: no floor, as MorphNet; the floor stops one-channel bottlenecks at tight budgets)',
  default: DEFAULT_MIN_WIDTH_RATIO,
};

/** `--min-width-ratio` checked: a share in [0, 1). */
export function minWidthRatioArg(args: CliArgs): number {
  const ratio = numberArg(args, 'min-width-ratio') ?? DEFAULT_MIN_WIDTH_RATIO;
  if (!(ratio >= 0 && ratio < 1)) throw new UsageError(`--min-width-ratio must be a share of a group's width in [0, 1), got ${ratio}`);
  return ratio;
}

/** `--candidates`, `--candidate-epochs` and `--candidate-trainings` of the commands that shrink. */
export const CANDIDATE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  candidates: {
    type: 'number',
    describe: 'make this many shrink runs (seeds --seed, --seed + 1, …) and keep the one whose architecture, trained from scratch, scores best on the validation data (--validation-split or --validation-data)',
    default: 1,
  },
  'candidate-epochs': { type: 'number', describe: "epochs each candidate's architecture trains from scratch to be scored (default --retrain-epochs, else 1)" },
  'candidate-trainings': { type: 'number', describe: 'score each candidate by the mean of this many trainings from scratch, each with a seed of its own', default: 1 },
};

/** The candidate options as a shrink request's fields (checked where the run starts). */
export function candidateArgs(args: CliArgs): Pick<ShrinkRequest, 'candidates' | 'candidateEpochs' | 'candidateTrainings'> {
  const epochs = numberArg(args, 'candidate-epochs');
  return {
    candidates: numberArg(args, 'candidates') ?? 1,
    ...(epochs === undefined ? {} : { candidateEpochs: epochs }),
    candidateTrainings: numberArg(args, 'candidate-trainings') ?? 1,
  };
}
