import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { saveModelFiles } from '../src/graph/index.js';
import { linesOf, runCli } from './helpers/cli.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-cli-profile-'));
const modelFile = path.join(dir, 'tiny', 'model.json');
const profileFile = path.join(dir, 'tiny-wasm.json');

beforeAll(async () => {
  await initBackend('cpu');
  await saveModelFiles(tinyResidualModel({ size: 16, width: 32 }), path.join(dir, 'tiny'));
  const r = await runCli(['profile', '--backend', 'wasm', '--model', modelFile, '--budget-s', '12', '--out', profileFile]);
  if (r.code !== 0) throw new Error(`profile failed: ${r.stderr}`);
}, 180_000);

describe('morphlat profile, predict and cost --target latency', () => {
  test('profile writes a complete profile and prints its summary', () => {
    const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
    expect(profile.schema).toBe('morphlat/device-profile@1');
    expect(profile.status).toBe('complete');
    expect(profile.model.name).toBe('tiny');
  });

  test('predict --json gives per-layer predictions that add up to the total', async () => {
    const r = await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backend).toBe('wasm');
    expect(out.batch).toBe(1);
    expect(out.measuredMs).toBeUndefined();
    const names = out.layers.map((l: { name: string }) => l.name);
    expect(names).toEqual(['in', 'a', 'a_bn', 'a_relu', 'b', 'b_bn', 'sum', 'sum_relu', 'gap', 'head']);
    const sum = out.layers.reduce((s: number, l: { predictedMs: number }) => s + l.predictedMs, 0);
    const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
    expect(out.predictedMs).toBeCloseTo(sum + profile.calibration.offsetMs, 9);
  });

  test('a narrower structure predicts less latency', async () => {
    const structure = path.join(dir, 'narrow.json');
    writeFileSync(structure, JSON.stringify({ a: 2, b: 2 }));
    const full = JSON.parse((await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--json'])).stdout);
    const narrow = JSON.parse((await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--structure', structure, '--json'])).stdout);
    expect(narrow.predictedMs).toBeLessThan(full.predictedMs);
  });

  test('predict --measure measures here and reports both', async () => {
    const r = await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--measure', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.measuredMs).toBeGreaterThan(0);
    expect(out.predictedMs).toBeGreaterThan(0);
    const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
    expect(out.deviceSpeed.networks).toBe(Math.min(3, profile.calibrationPoints.length));
    expect(out.deviceSpeed.min).toBeLessThanOrEqual(out.deviceSpeed.ratio);
    expect(out.deviceSpeed.max).toBeGreaterThanOrEqual(out.deviceSpeed.ratio);
    expect(out.deviceSpeed.predictedMs).toBeCloseTo(out.predictedMs * out.deviceSpeed.ratio, 9);
  });

  test('predict --measure prints the device\'s speed against the profile\'s, and --speed-networks 0 leaves it out', async () => {
    const text = await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--measure', '--speed-networks', '2']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^speed: +the profile's 2 calibration networks took ×\d+\.\d{3} .* at that speed the prediction is \d+\.\d{3} ms, error -?\d+\.\d%$/m);
    const none = await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--measure', '--speed-networks', '0', '--json']);
    expect(JSON.parse(none.stdout).deviceSpeed).toBeUndefined();
    const bad = await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--measure', '--speed-networks', '-1']);
    expect(bad.code).toBe(2);
    expect(linesOf(bad.stderr)).toEqual(['morphlat: `--speed-networks` must be an integer ≥ 0, got -1']);
  });

  test('predict --measure refuses another device unless --force', async () => {
    const other = path.join(dir, 'other-device.json');
    const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
    profile.device.cpuModel = 'Some Other CPU';
    writeFileSync(other, JSON.stringify(profile));
    const refused = await runCli(['predict', '--profile', other, '--model', modelFile, '--measure']);
    expect(refused.code).toBe(2);
    expect(linesOf(refused.stderr)).toHaveLength(1);
    expect(refused.stderr).toMatch(/refusing to measure: the profile's CPU is Some Other CPU/);
    const forced = await runCli(['predict', '--profile', other, '--model', modelFile, '--measure', '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).measuredMs).toBeGreaterThan(0);
  });

  test('cost --target latency prices with the profile in ms', async () => {
    const r = await runCli(['cost', '--model', modelFile, '--target', 'latency', '--profile', profileFile, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const predicted = JSON.parse((await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--json'])).stdout);
    expect(out.unit).toBe('ms');
    expect(out.target).toBe('latency');
    expect(out.total).toBeCloseTo(predicted.predictedMs, 9);
  });

  test.each([
    ['a corrupt profile', (p: string) => writeFileSync(p, '{"schema": "morphlat/device-profile@1", "name": 3}'), /field `name`/],
    ['a truncated profile', (p: string) => writeFileSync(p, readFileSync(profileFile, 'utf8').slice(0, 200)), /not valid JSON/],
    ['another version', (p: string) => writeFileSync(p, '{"schema": "morphlat/device-profile@0"}'), /device-profile@0/],
  ])('predict with %s: one line naming the file, exit 5, no trace', async (_name, write, message) => {
    const bad = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    write(bad);
    const r = await runCli(['predict', '--profile', bad, '--model', modelFile]);
    expect(r.code).toBe(5);
    expect(linesOf(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('cost --target latency without a profile is a usage error', async () => {
    const r = await runCli(['cost', '--model', modelFile, '--target', 'latency']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs `--profile/);
  });

  test('predict prices a structure wider than the model as the model widened to it', async () => {
    const structure = path.join(dir, 'wider.json');
    writeFileSync(structure, JSON.stringify({ a: 40, b: 40 }));
    const full = JSON.parse((await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--json'])).stdout);
    const r = await runCli(['predict', '--profile', profileFile, '--model', modelFile, '--structure', structure, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).predictedMs).toBeGreaterThan(full.predictedMs);
  });

  test('profile --headroom sweeps the layers past the model\'s widths and records it; a resume must keep it', async () => {
    const wider = path.join(dir, 'tiny-wasm-headroom.json');
    const r = await runCli(['profile', '--backend', 'wasm', '--model', modelFile, '--headroom', '1.25', '--budget-s', '10', '--out', wider]);
    expect(r.code, r.stderr).toBe(0);
    const profile = JSON.parse(readFileSync(wider, 'utf8'));
    expect(profile.model.headroom).toBe(1.25);
    const conv = profile.ops.find((o: { layers: string[] }) => o.layers.includes('b'));
    expect([conv.maxIn, conv.maxOut]).toEqual([40, 40]);
    expect(conv.samples.some((s: number[]) => (s[1] ?? 0) > 32)).toBe(true);
    const head = profile.ops.find((o: { layers: string[] }) => o.layers.includes('head'));
    expect([head.maxIn, head.maxOut]).toEqual([40, 4]);
    const partial = path.join(dir, 'partial-headroom.json');
    writeFileSync(partial, JSON.stringify({ ...profile, status: 'partial' }));
    const refused = await runCli(['profile', '--backend', 'wasm', '--model', modelFile, '--headroom', '1.5', '--out', partial, '--resume']);
    expect(refused.code).toBe(5);
    expect(refused.stderr.trim()).toBe('morphlat: cannot resume: the profile was started with a headroom of 1.25, not 1.5');
  }, 120_000);

  test('profile --headroom needs --model, a value from 1 to 4, and a run that sweeps', async () => {
    const cases: [string[], RegExp][] = [
      [['--backend', 'wasm', '--headroom', '1.25'], /`--headroom` needs `--model`/],
      [['--backend', 'wasm', '--model', modelFile, '--headroom', '0.5'], /`--headroom` must be between 1 and 4, got 0.5/],
      [['--model', modelFile, '--headroom', '1.25', '--refit', '--out', profileFile], /`--headroom` and `--refit` do not go together/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['profile', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(linesOf(r.stderr), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  test('profile --resume of a profile of another backend is refused', async () => {
    const partial = path.join(dir, 'partial.json');
    const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
    writeFileSync(partial, JSON.stringify({ ...profile, status: 'partial' }));
    const r = await runCli(['profile', '--backend', 'cpu', '--model', modelFile, '--out', partial, '--resume']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/profile is for backend `wasm`, not `cpu`/);
  });

  test('profile onto a partial file without --resume is refused and the file kept', async () => {
    const partial = path.join(dir, 'partial2.json');
    const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
    const text = JSON.stringify({ ...profile, status: 'partial' });
    writeFileSync(partial, text);
    const r = await runCli(['profile', '--backend', 'wasm', '--model', modelFile, '--out', partial]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/interrupted run: add `--resume`/);
    expect(readFileSync(partial, 'utf8')).toBe(text);
  });
});
