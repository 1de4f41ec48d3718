/**
 * The measured rows of the matrix: for each device whose backend starts here on the device its profile
 * was measured on, the seed and every architecture built fresh on that backend and timed end to end in
 * one interleaved run (profilers' one definition of latency). Other devices get a reason instead.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { END_TO_END_DEFAULTS, measureEndToEndMany } from '../../profilers/end-to-end.js';
import { hostIdentity, initBackend } from '../backends/init.js';
import { deviceMismatch } from '../backends/same-device.js';
import { BackendUnavailableError, UsageError } from '../errors.js';
import type { Structure } from '../graph/alive.js';
import { rebuildWithStructure } from '../graph/rebuild.js';
import { buildShrunkModel } from '../morph/structure/rebuild.js';
import type { DeviceProfile } from '../profile/schema.js';
import type { CompareProgress, MeasureSettings } from './types.js';

/** One device's measured row: the seed's latency and each architecture's, or why there is none. */
export type MeasuredRow =
  | { readonly state: 'measured'; readonly seedMs: number; readonly ms: readonly number[] }
  | { readonly state: 'not-here'; readonly reason: string };

/** The settings of a measurement, every default filled in. */
export function resolvedMeasureSettings(settings: MeasureSettings = {}): Required<MeasureSettings> {
  const { batch: _batch, ...defaults } = END_TO_END_DEFAULTS;
  return { ...defaults, ...settings };
}

/** Why `profile`'s device cannot be measured here, after trying to start its backend; undefined when it can. */
async function whyNotHere(profile: DeviceProfile): Promise<string | undefined> {
  const host = deviceMismatch(profile.device, { ...hostIdentity(), gpu: profile.device.gpu });
  if (host !== undefined) return host;
  let here;
  try {
    here = await initBackend(profile.device.backend);
  } catch (e) {
    if (e instanceof BackendUnavailableError || e instanceof UsageError) return e.message;
    throw e;
  }
  return deviceMismatch(profile.device, here.identity);
}

async function timeOnActiveBackend(
  seed: tfl.LayersModel,
  structures: readonly Structure[],
  settings: Required<MeasureSettings> & { batch: number },
  signal?: AbortSignal,
): Promise<{ seedMs: number; ms: number[] }> {
  const models: tfl.LayersModel[] = [];
  try {
    models.push(await rebuildWithStructure(seed, {}));
    for (const s of structures) models.push((await buildShrunkModel(seed, s)).model);
    const timed = await measureEndToEndMany(models, { ...settings, ...(signal === undefined ? {} : { signal }) });
    const [first, ...rest] = timed.map((t) => t.medianMs);
    return { seedMs: first ?? Number.NaN, ms: rest };
  } finally {
    for (const m of models) m.dispose();
  }
}

/**
 * Measures every device's row that can be measured here, at its profile's batch. Devices of the same
 * backend and batch that both match this machine share one measurement: it is the same device.
 */
export async function measureRows(
  seed: tfl.LayersModel,
  profiles: readonly DeviceProfile[],
  structures: readonly Structure[],
  settings: Required<MeasureSettings>,
  options: { signal?: AbortSignal; onProgress?: (p: CompareProgress) => void } = {},
): Promise<MeasuredRow[]> {
  const measured = new Map<string, MeasuredRow>();
  const rows: MeasuredRow[] = [];
  for (const profile of profiles) {
    const reason = await whyNotHere(profile);
    if (reason !== undefined) {
      options.onProgress?.({ phase: 'not-measured', device: profile.name, reason });
      rows.push({ state: 'not-here', reason });
      continue;
    }
    const key = `${profile.device.backend}|${profile.batch}`;
    let row = measured.get(key);
    if (row === undefined) {
      options.onProgress?.({ phase: 'measuring', device: profile.name, backend: profile.device.backend, models: structures.length + 1 });
      row = { state: 'measured', ...(await timeOnActiveBackend(seed, structures, { ...settings, batch: profile.batch }, options.signal)) };
      measured.set(key, row);
    }
    rows.push(row);
  }
  return rows;
}
