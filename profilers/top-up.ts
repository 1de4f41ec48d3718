/**
 * Topping up a profile made by an earlier version: a complete profile lacks the op configurations this
 * version sweeps that were added since. Resuming it times only those, within a budget of its own on top
 * of what the profile already spent, and then calibrates again on the networks the profile measured (its
 * per-op costs changed under them); nothing measured before is timed again.
 */
import type { DeviceProfile } from '../src/profile/schema.js';
import { refitProfile } from './refit.js';
import { DEFAULT_BUDGET_SECONDS, measuredEndToEnd, runProfile } from './run.js';
import type { ProfileRequest } from './run.js';

/**
 * `runProfile`, except that resuming a profile whose networks were measured tops it up: its missing
 * sweeps within `budgetSeconds` more, then its calibration fitted again. Checkpoints stay partial until
 * the calibration is done, so an interrupted top-up resumes as one.
 */
export async function runOrTopUpProfile(request: ProfileRequest): Promise<DeviceProfile> {
  const resume = request.resume;
  if (resume === undefined || !measuredEndToEnd(resume)) return runProfile(request);
  const onCheckpoint = request.onCheckpoint;
  const swept = await runProfile({
    ...request,
    resume: { ...resume, status: 'partial' },
    budgetSeconds: resume.profilingSeconds + (request.budgetSeconds ?? DEFAULT_BUDGET_SECONDS),
    ...(onCheckpoint === undefined ? {} : { onCheckpoint: (p: DeviceProfile) => onCheckpoint({ ...p, status: 'partial' }) }),
  });
  const calibrated = await refitProfile(swept, request.model?.model);
  await onCheckpoint?.(calibrated);
  return calibrated;
}
