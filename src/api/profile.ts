/**
 * `profile`: measures a device (a tfjs backend here) and returns its device profile, written after every piece
 * of work to `out` when given, so an interrupted run resumes from the file (and a profile made by an earlier
 * version is topped up). It is `runOrTopUpProfile` with the model and the partial profile taken from paths as
 * well as objects.
 */
import { runOrTopUpProfile } from '../../profilers/top-up.js';
import { initBackend } from '../backends/index.js';
import { UsageError } from '../errors.js';
import { writeProfile } from '../profile/io.js';
import type { DeviceProfile } from '../profile/schema.js';
import { modelNameOf, modelOf, profileOf } from './inputs.js';
import type { ProfileOptions } from './types.js';

/** Profiles the backend; throws CancelledError when aborted (what was measured is in `out`, if given). */
export async function profile(options: ProfileOptions = {}): Promise<DeviceProfile> {
  if (options.budgetSeconds !== undefined && !(options.budgetSeconds > 0)) throw new UsageError(`\`budgetSeconds\` must be > 0, got ${options.budgetSeconds}`);
  const backend = typeof options.backend === 'object' ? options.backend : await initBackend(options.backend ?? 'wasm');
  const model = options.model === undefined ? undefined : { model: await modelOf(options.model), name: options.modelName ?? modelNameOf(options.model) };
  const resume = options.resume === undefined ? undefined : await profileOf(options.resume);
  const out = options.out ?? (typeof options.resume === 'string' ? options.resume : undefined);
  return runOrTopUpProfile({
    backend,
    ...(model === undefined ? {} : { model }),
    ...(options.budgetSeconds === undefined ? {} : { budgetSeconds: options.budgetSeconds }),
    ...(options.batch === undefined ? {} : { batch: options.batch }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(resume === undefined ? {} : { resume }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(out === undefined ? {} : { onCheckpoint: (p: DeviceProfile) => writeProfile(out, p) }),
  });
}
