/**
 * Device profiles for tests: committed ones as profiles of this machine (the file's fits and calibration
 * with the device identity of this machine's backend, so tests that measure here do not depend on which
 * machine the committed file was made on), and synthetic ones from given op samples.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../../src/backends/index.js';
import { readProfile } from '../../src/profile/io.js';
import { PROFILE_SCHEMA } from '../../src/profile/schema.js';
import type { DeviceProfile } from '../../src/profile/schema.js';
import { fitProfile } from '../../profilers/run.js';
import { ROOT } from './cli.js';

/** The committed profile `device-profiles/<name>.json`, stamped with this machine's identity (its backend is left active). */
export async function committedProfileHere(name: string): Promise<DeviceProfile> {
  const profile = await readProfile(path.join(ROOT, 'device-profiles', `${name}.json`));
  const here = (await initBackend(profile.device.backend)).identity;
  const { cpuModel, cpuCores, os, gpu } = here;
  return { ...profile, device: { ...profile.device, cpuModel, cpuCores, os, ...(gpu === undefined ? {} : { gpu }) } };
}

/** Writes `committedProfileHere(name)` into `dir` and returns the file. */
export async function committedProfileFileHere(name: string, dir: string): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(await committedProfileHere(name)));
  return file;
}

/** A complete generic profile of `device` holding `ops` (fitted as the profiler fits them) and `calibration`. */
export function fittedProfileOf(device: DeviceProfile['device'], ops: DeviceProfile['ops'], calibration: DeviceProfile['calibration'] = null): DeviceProfile {
  const now = new Date().toISOString();
  return fitProfile({
    schema: PROFILE_SCHEMA, name: 'synthetic', status: 'complete', createdAt: now, updatedAt: now, device,
    batch: 1, budgetSeconds: 10, profilingSeconds: 1, model: null, roofline: null, ops, families: [],
    calibration, calibrationPoints: [], validation: { heldOutPoints: null, endToEnd: null, endToEndPoints: [] }, done: [],
  });
}
