/**
 * Refitting a profile from what it measured (`refitProfile`, `morphlat profile --refit`): the fits and
 * the end-to-end calibration come back from the samples and the measured networks, nothing is timed,
 * refitting is idempotent, and a network that cannot be rebuilt is named.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { refitProfile } from '../profilers/refit.js';
import { ProfileError } from '../src/errors.js';
import { readProfile } from '../src/profile/io.js';
import type { DeviceProfile } from '../src/profile/schema.js';
import { ensureBuilt, ROOT, runCli } from './helpers/cli.js';
import { useCpu } from './helpers/tf.js';

const committed = (name: string): Promise<DeviceProfile> => readProfile(path.join(ROOT, 'device-profiles', `${name}.json`));

/** The profile as an earlier version could have left it: no fits, no pooled fits, no calibration. */
function stripped(p: DeviceProfile): DeviceProfile {
  return { ...p, ops: p.ops.map((o) => ({ ...o, fit: null })), families: [], calibration: null };
}

beforeAll(async () => {
  await useCpu();
  ensureBuilt();
});

describe.each(['amd-epyc-2c-wasm-resnet-mini', 'amd-epyc-2c-wasm', 'llvmpipe-2c-webgpu-mobilenet-mini'])('refitting %s', (name) => {
  test('gives back every fit and the calibration, and refitting again changes nothing', async () => {
    const original = await committed(name);
    const refitted = await refitProfile(stripped(original));
    for (const op of refitted.ops) if (op.samples.length > 0) expect(op.fit).not.toBeNull();
    expect(refitted.families.length).toBeGreaterThan(0);
    expect(refitted.calibration?.scale).toBeGreaterThan(0);
    const networks = original.calibrationPoints.length + (original.model === null ? original.validation.endToEndPoints.length : 0);
    expect(refitted.calibration?.points).toBe(networks);
    expect(refitted.calibrationPoints.map((p) => p.measuredMs)).toEqual(original.calibrationPoints.map((p) => p.measuredMs));
    expect(refitted.validation.endToEnd?.count).toBe(original.validation.endToEndPoints.length);
    expect(refitted.profilingSeconds).toBe(original.profilingSeconds);
    expect(await refitProfile(refitted)).toEqual(refitted);
  });
});

describe('a generic profile calibrates on every network it measured', () => {
  test('and predicts each validation network with the calibration fitted without it', async () => {
    const original = await committed('amd-epyc-2c-wasm');
    const refitted = await refitProfile(original);
    expect(original.validation.endToEndPoints.length).toBeGreaterThan(0);
    // One validation network measured 3x slower: it moves the calibration, but not its own prediction.
    const [first, ...rest] = original.validation.endToEndPoints;
    const skewed = await refitProfile({ ...original, validation: { ...original.validation, endToEndPoints: [{ ...first!, measuredMs: 3 * first!.measuredMs }, ...rest] } });
    expect(skewed.calibration).not.toEqual(refitted.calibration);
    expect(skewed.validation.endToEndPoints[0]!.predictedMs).toBeCloseTo(refitted.validation.endToEndPoints[0]!.predictedMs, 9);
    expect(skewed.validation.endToEndPoints[1]!.predictedMs).not.toBeCloseTo(refitted.validation.endToEndPoints[1]!.predictedMs, 9);
  });
});

describe('refitting refuses what it cannot rebuild', () => {
  test('a model-specific profile of a model that is not here names its network and asks for --model', async () => {
    const original = await committed('amd-epyc-2c-wasm-resnet-mini');
    const foreign: DeviceProfile = { ...original, model: { ...original.model!, name: 'my-model', fingerprint: 'f'.repeat(16) } };
    const error = await refitProfile(foreign).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileError);
    expect(String(error)).toMatch(/cannot refit profile `amd-epyc-2c-wasm-resnet-mini`: its network `seed` of `resnet-mini` cannot be rebuilt here \(give the model it was measured on with --model\)/);
  });
});

describe('morphlat profile --refit', () => {
  test('rewrites the file in place from what it measured', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-refit-'));
    const file = path.join(dir, 'p.json');
    const original = await committed('amd-epyc-2c-wasm-inception-mini');
    await fs.writeFile(file, JSON.stringify(stripped(original)));
    const result = await runCli(['profile', '--refit', '--out', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/refitted .*p\.json \(nothing timed\)/);
    const written = await readProfile(file);
    expect(written.calibration).not.toBeNull();
    expect(written.ops.every((o) => o.samples.length === 0 || o.fit !== null)).toBe(true);
  });

  test('without --out, one usage line', async () => {
    const result = await runCli(['profile', '--refit']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('morphlat: `--refit` needs `--out`, the profile to fit again');
  });
});
