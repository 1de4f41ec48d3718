/**
 * Refitting a device profile from what it measured: every op's latency function, the pooled fits, the
 * end-to-end calibration and the validation errors, with this version's fitting. Nothing is timed, so a
 * profile made by an earlier version gets later fitting without measuring the device again.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ProfileError } from '../src/errors.js';
import { buildGraph } from '../src/graph/index.js';
import type { DeviceProfile, EndToEndPoint } from '../src/profile/schema.js';
import { profilerFor } from './backends/registry.js';
import { fitProfile, withEndToEnd } from './run.js';
import type { NetworkCase } from './run.js';
import { pointNetworks } from './speed.js';

/**
 * `profile` fitted again from its samples and its measured networks. A model-specific profile's networks
 * are rebuilt from `model` (the model it was measured on; a zoo model is found by name).
 */
export async function refitProfile(profile: DeviceProfile, model?: tfl.LayersModel): Promise<DeviceProfile> {
  const fitted = fitProfile(profile);
  if (profile.calibrationPoints.length === 0) return fitted;
  const points: { point: EndToEndPoint; role: NetworkCase['role'] }[] = [
    ...profile.calibrationPoints.map((point) => ({ point, role: 'calibration' as const })),
    ...profile.validation.endToEndPoints.map((point) => ({ point, role: 'validation' as const })),
  ];
  const networks = pointNetworks(profile, points.map((p) => p.point), model);
  const missing = points.find((_, i) => networks[i] === undefined);
  if (missing !== undefined) {
    throw new ProfileError(
      `cannot refit profile \`${profile.name}\`: its network \`${missing.point.label}\` of \`${missing.point.model}\` cannot be rebuilt here` +
        (profile.model === null ? '' : ' (give the model it was measured on with --model)'),
    );
  }
  const measured: { c: NetworkCase; ms: number; graph: ReturnType<typeof buildGraph> }[] = [];
  for (const [i, { point, role }] of points.entries()) {
    const network = networks[i]!;
    const built = await network.build();
    try {
      const c: NetworkCase = { label: point.label, model: point.model, structure: point.structure, build: network.build, role, ...(point.width === undefined ? {} : { width: point.width }) };
      measured.push({ c, ms: point.measuredMs, graph: buildGraph(built) });
    } finally {
      built.dispose();
    }
  }
  return withEndToEnd(fitted, measured, profilerFor(profile.device.backend).queued);
}
