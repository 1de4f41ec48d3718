import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { buildGraph, loadModelFile, saveModelFiles } from '../src/graph/index.js';
import { linesOf, ROOT, runCli } from './helpers/cli.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-cli-shrink-'));
const modelFile = path.join(dir, 'tiny', 'model.json');
const subset = path.join(ROOT, 'data', 'fashion-mnist-subset');

beforeAll(async () => {
  await initBackend('cpu');
  await saveModelFiles(tinyResidualModel({ size: 28, channels: 1, classes: 10, width: 12 }), path.join(dir, 'tiny'));
});

describe('morphlat shrink and expand', () => {
  test('shrink writes the structure, the shrunk model and the report', async () => {
    const out = path.join(dir, 'shrunk');
    const r = await runCli(['shrink', '--model', modelFile, '--target', 'flops', '--strength', '3', '--steps', '40', '--data-dir', subset, '--train-limit', '600', '--no-removal-cost', '--min-width-ratio', '0.25', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/flops: .* FLOPs \(\d+\.\d% of the seed\) after 40 steps/);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.target).toBe('flops');
    expect(report.steps).toBe(40);
    expect(report.removalCost).toBe(false);
    expect(report.minWidthRatio).toBe(0.25);
    for (const [layer, count] of Object.entries(report.structure as Record<string, number>)) expect(count === 0 || count >= 3, `${layer}: ${count}`).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'structure.json'), 'utf8'))).toEqual(report.structure);
    const exported = readdirSync(path.join(out, 'learned_structure')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(exported).toEqual(Array.from({ length: 20 }, (_, i) => `alive_${2 * (i + 1)}.json`));
    const shrunk = await loadModelFile(path.join(out, 'model.json'));
    expect(networkCost(buildGraph(shrunk), flopsTarget()).total).toBe(report.finalCost);
  });

  test('shrink --candidates keeps the best of its runs on the validation split, and says so when there is none', async () => {
    const out = path.join(dir, 'candidates');
    const base = ['shrink', '--model', modelFile, '--target', 'flops', '--target-ratio', '0.6', '--steps', '30', '--data-dir', subset, '--train-limit', '600', '--candidates', '2', '--out', out];
    const refused = await runCli(base);
    expect(refused.code).toBe(2);
    expect(linesOf(refused.stderr).filter((l) => l.startsWith('morphlat:'))).toEqual(['morphlat: `--candidates` chooses on validation data, and there is none: give `--validation-split` or `--validation-data`']);
    const r = await runCli([...base, '--validation-split', '100']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.candidates.map((c: { seed: number }) => c.seed)).toEqual([1, 2]);
    const chosen = report.candidates.find((c: { chosen: boolean }) => c.chosen);
    expect(report.structure).toEqual(chosen.structure);
    expect(JSON.parse(readFileSync(path.join(out, 'structure.json'), 'utf8'))).toEqual(chosen.structure);
  });

  test('expand scales a structure to the seed\'s cost', async () => {
    const structure = path.join(dir, 'small.json');
    writeFileSync(structure, JSON.stringify({ a: 4, b: 4 }));
    const out = path.join(dir, 'expanded');
    const r = await runCli(['expand', '--model', modelFile, '--structure', structure, '--target', 'flops', '--to', 'seed', '--out', out]);
    expect(r.code).toBe(0);
    const expanded = JSON.parse(readFileSync(path.join(out, 'structure.json'), 'utf8'));
    expect(expanded.a).toBe(expanded.b);
    expect(expanded.a).toBeGreaterThanOrEqual(11);
    expect(expanded.a).toBeLessThanOrEqual(12);
    const model = await loadModelFile(path.join(out, 'model.json'));
    expect(model.getLayer('a').getConfig()['filters']).toBe(expanded.a);
  });

  test('expand says which layers run past the widths its latency profile measured', async () => {
    // resnet-mini's wasm profile swept each layer up to the seed's widths: past them its latency is extrapolated.
    const profile = path.join(ROOT, 'device-profiles', 'amd-epyc-2c-wasm-resnet-mini.json');
    const structure = path.join(dir, 'resnet-half.json');
    writeFileSync(structure, JSON.stringify({ stem: 8, s1b1_conv1: 8, s1b1_conv2: 8, s2b1_conv1: 16, s2b1_conv2: 16, s2b1_proj: 16, s2b2_conv1: 16, s2b2_conv2: 16, s3b1_conv1: 32, s3b1_conv2: 32, s3b1_proj: 32 }));
    const expand = (to: string): ReturnType<typeof runCli> =>
      runCli(['expand', '--model', 'resnet-mini', '--structure', structure, '--target', 'latency', '--profile', profile, '--to', to, '--out', path.join(dir, `resnet-${to}`)]);
    const wider = await expand('1.5');
    expect(wider.code).toBe(0);
    expect(wider.stderr).toMatch(/note: \d+ layers run past the channel counts the profile measured, so their latency is extrapolated: stem 1→(\d+) \(measured up to \d+→16\), s1b1_conv1/);
    const stem = Number(/stem 1→(\d+)/.exec(wider.stderr)?.[1]);
    expect(stem).toBe(JSON.parse(readFileSync(path.join(dir, 'resnet-1.5', 'structure.json'), 'utf8')).stem);
    expect(stem).toBeGreaterThan(16);
    const within = await expand('0.8');
    expect(within.code).toBe(0);
    expect(within.stderr).not.toMatch(/extrapolated/);
  });

  test.each([
    [['--target-ratio', '0.5', '--strength', '2'], /one of `--target-ratio`, `--target-ms` and `--strength`/],
    [['--target-ratio', '1.5'], /`--target-ratio` must be in \(0, 1\)/],
    [['--target', 'latency'], /needs `--profile/],
    [['--target-ms', '2'], /`--target-ms` needs a latency or roofline target/],
    [['--min-width-ratio', '1'], /--min-width-ratio must be a share of a group's width in \[0, 1\), got 1/],
  ])('shrink %j: one error line, usage exit code', async (extra, message) => {
    const r = await runCli(['shrink', '--model', modelFile, '--target', 'flops', '--steps', '5', '--data-dir', subset, '--train-limit', '100', '--out', path.join(dir, 'bad'), ...extra]);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr).filter((l) => l.startsWith('morphlat:'))).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
