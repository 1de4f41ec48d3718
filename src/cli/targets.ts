/**
 * The `--target` and `--profile` options as a cost target: MorphNet's analytic ones, or latency from a profile;
 * and `--removal-cost`, how the regularizer weighs groups that can be removed whole.
 */
import { analyticTargetNamed, latencyTarget } from '../costs/index.js';
import type { CostTarget } from '../costs/index.js';
import { UsageError } from '../errors.js';
import { readProfile } from '../profile/io.js';
import type { OptionSpec } from './command.js';

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
