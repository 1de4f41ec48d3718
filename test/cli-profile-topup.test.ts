/**
 * `profile --resume` on a complete profile made by an earlier version: it times only the op
 * configurations this version sweeps that the profile lacks, then calibrates again on the networks it
 * measured, keeping every earlier measurement.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DeviceProfile } from '../src/profile/schema.js';
import { ROOT, runCli } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-cli-topup-'));
const read = (file: string): DeviceProfile => JSON.parse(readFileSync(file, 'utf8')) as DeviceProfile;

describe('morphlat profile --resume on a profile of an earlier version', () => {
  test('times the configurations it lacks, keeps what it measured and calibrates again', async () => {
    // The committed wasm generic profile as an earlier version made it, without the classifier-head sweep (act=softmax dense).
    const isHead = (signature: string): boolean => signature.startsWith('Dense|') && signature.includes('act=softmax');
    const committed = read(path.join(ROOT, 'device-profiles', 'amd-epyc-2c-wasm.json'));
    const file = path.join(dir, 'wasm.json');
    writeFileSync(file, JSON.stringify({ ...committed, ops: committed.ops.filter((o) => !isHead(o.signature)), done: committed.done.filter((d) => !isHead(d.replace(/^sweep:/, ''))) }));
    const before = read(file);
    expect(before.ops.length).toBe(67);

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

    const again = await runCli(['profile', '--backend', 'wasm', '--resume', '--out', file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already complete/);

    // A generic profile is not topped up with a model's layers: one error line, nothing written.
    const written = readFileSync(file, 'utf8');
    const other = await runCli(['profile', '--backend', 'wasm', '--model', 'resnet-mini', '--resume', '--out', file]);
    expect(other.code).not.toBe(0);
    expect(other.stdout).toBe('');
    expect(other.stderr.trim().split('\n')).toEqual(['morphlat: cannot resume: the profile was started for another model or batch size']);
    expect(readFileSync(file, 'utf8')).toBe(written);
  }, 180_000);
});
