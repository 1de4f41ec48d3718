/** The `--target` and `--profile` options as a cost target: MorphNet's analytic ones, or latency from a profile. */
import { analyticTargetNamed, latencyTarget } from '../costs/index.js';
import type { CostTarget } from '../costs/index.js';
import { UsageError } from '../errors.js';
import { readProfile } from '../profile/io.js';

/** The target named `name`; `latency` needs `profileFile`. */
export async function costTargetOption(name: string, profileFile: string | undefined, batch = 1): Promise<CostTarget> {
  if (name !== 'latency') return analyticTargetNamed(name, batch);
  if (profileFile === undefined) throw new UsageError('`--target latency` needs `--profile <device profile>`');
  return latencyTarget(await readProfile(profileFile), { batch });
}
