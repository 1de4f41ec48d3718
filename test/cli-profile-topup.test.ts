/**
 * `profile --resume` on a complete profile made by an earlier version: it times only the op
 * configurations this version sweeps that the profile lacks, then calibrates again on the networks it
 * measured, keeping every earlier measurement.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DeviceProfile } from '../src/profile/schema.js';
import { ROOT, runCli } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-cli-topup-'));
const read = (file: string): DeviceProfile => JSON.parse(readFileSync(file, 'utf8')) as DeviceProfile;

describe('morphlat profile --resume on a profile of an earlier version', () => {
  test('times the configurations it lacks, keeps what it measured and calibrates again', async () => {
    // The committed wasm generic profile predates the classifier-head sweep (act=softmax dense).
    const file = path.join(dir, 'wasm.json');
    copyFileSync(path.join(ROOT, 'device-profiles', 'amd-epyc-2c-wasm.json'), file);
    const before = read(file);
    const isHead = (signature: string): boolean => signature.startsWith('Dense|') && signature.includes('act=softmax');
    expect(before.ops.some((o) => isHead(o.signature))).toBe(false);

    const r = await runCli(['profile', '--backend', 'wasm', '--resume', '--budget-s', '10', '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lacks 1 op configuration\(s\)/);
    const after = read(file);
    expect(after.status).toBe('complete');
    const head = after.ops.find((o) => isHead(o.signature));
    expect(head?.samples.length).toBeGreaterThanOrEqual(4);
    expect(head?.fit).not.toBeNull();
    // Every earlier op keeps its samples; the networks keep their measured latencies.
    for (const op of before.ops) expect(after.ops.find((o) => o.signature === op.signature)?.samples).toEqual(op.samples);
    expect(after.calibrationPoints.map((p) => p.measuredMs)).toEqual(before.calibrationPoints.map((p) => p.measuredMs));
    // The calibration is fitted again: the networks' heads are now priced from the new sweep.
    expect(after.calibrationPoints.map((p) => p.predictedMs)).not.toEqual(before.calibrationPoints.map((p) => p.predictedMs));
    expect(after.profilingSeconds).toBeGreaterThan(before.profilingSeconds);
    expect(after.profilingSeconds).toBeLessThan(before.profilingSeconds + 15);

    const again = await runCli(['profile', '--backend', 'wasm', '--resume', '--out', file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already complete/);
  }, 180_000);
});
