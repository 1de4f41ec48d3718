/**
 * `morphlat compare` from the command line: with given structures it writes compare.json in the
 * documented shape, the pictures (SVG and PNG) and index.html, and prints the Markdown matrices; bad
 * arguments give one error line and the usage exit code.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { main } from '../src/cli/main.js';
import { saveModelFiles } from '../src/graph/index.js';
import type { CliResult } from './helpers/cli.js';
import { ensureBuilt, linesOf, ROOT, runCli } from './helpers/cli.js';
import { committedProfileFileHere } from './helpers/profiles.js';
import { kerasStyleModel, saveAsConvertedFromKeras, writeImageFolder } from './helpers/own-data.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-cli-compare-'));
const modelFile = path.join(dir, 'tiny', 'model.json');
const committedWasm = path.join(ROOT, 'device-profiles', 'amd-epyc-2c-wasm-resnet-mini.json');
const committedWebgpu = path.join(ROOT, 'device-profiles', 'llvmpipe-2c-webgpu-resnet-mini.json');
let wasm: string;
let webgpu: string;
const narrow = path.join(dir, 'narrow.json');
const wide = path.join(dir, 'wide.json');
const out = path.join(dir, 'out');
let run: CliResult;

beforeAll(async () => {
  ensureBuilt();
  webgpu = await committedProfileFileHere('llvmpipe-2c-webgpu-resnet-mini', dir);
  wasm = await committedProfileFileHere('amd-epyc-2c-wasm-resnet-mini', dir);
  await initBackend('cpu');
  await saveModelFiles(tinyResidualModel({ size: 28, channels: 1, classes: 10, width: 12 }), path.join(dir, 'tiny'));
  writeFileSync(narrow, JSON.stringify({ a: 4, b: 4 }));
  writeFileSync(wide, JSON.stringify({ a: 12, b: 12 }));
  run = await runCli(['compare', '--model', modelFile, '--profiles', wasm, webgpu, '--structures', narrow, wide, '--out', out]);
  if (run.code !== 0) throw new Error(`compare failed (${String(run.code)}): ${run.stderr}`);
});

describe('morphlat compare --structures', () => {
  test('compare.json: devices, architectures and both matrices, measured here', () => {
    const result = JSON.parse(readFileSync(path.join(out, 'compare.json'), 'utf8'));
    expect(result.devices.map((d: { name: string; backend: string }) => [d.name, d.backend])).toEqual([
      ['amd-epyc-2c-wasm-resnet-mini', 'wasm'],
      ['llvmpipe-2c-webgpu-resnet-mini', 'webgpu'],
    ]);
    expect(result.architectures.map((a: { device: string; structure: object }) => [a.device, a.structure])).toEqual([
      ['amd-epyc-2c-wasm-resnet-mini', { a: 4, b: 4, head: 10 }],
      ['llvmpipe-2c-webgpu-resnet-mini', { a: 12, b: 12, head: 10 }],
    ]);
    expect(result.architectures[0].accuracy).toBeUndefined();
    for (const key of ['predictedMs', 'measuredMs']) {
      expect(result[key]).toHaveLength(2);
      for (const row of result[key]) {
        expect(row).toHaveLength(2);
        for (const ms of row) expect(ms).toBeGreaterThan(0);
      }
    }
    expect(result.devices.every((d: { measuredHere: boolean }) => d.measuredHere)).toBe(true);
  });

  test('the pictures are there as SVG and as PNG that decode', async () => {
    const files = readdirSync(out).sort();
    for (const name of ['widths', 'matrix', 'breakdown-1-amd-epyc-2c-wasm-resnet-mini', 'breakdown-2-llvmpipe-2c-webgpu-resnet-mini']) {
      expect(files).toContain(`${name}.svg`);
      expect(files).toContain(`${name}.png`);
      expect(readFileSync(path.join(out, `${name}.svg`), 'utf8')).toMatch(/^<svg /);
      expect((await sharp(path.join(out, `${name}.png`)).metadata()).width).toBeGreaterThan(200);
    }
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(existsSync(path.join(out, 'architectures', 'llvmpipe-2c-webgpu-resnet-mini', 'model.json'))).toBe(true);
  });

  test('prints the architectures and both matrices in Markdown', () => {
    expect(run.stdout).toContain('## tiny: architectures per device');
    expect(run.stdout).toContain('### Predicted latency (ms)');
    expect(run.stdout).toContain('### Measured latency (ms), here');
    const rows = linesOf(run.stdout).filter((l) => l.startsWith('| amd-epyc-2c-wasm-resnet-mini |'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/\*\*\d+\.\d+\*\*/);
  });
});

describe('morphlat compare refuses bad arguments', () => {
  test.each([
    [['--profiles', committedWasm], 2, /`--profiles` needs at least two device profiles, got 1/],
    [['--profiles', committedWasm, committedWebgpu, '--structures', narrow], 2, /`--structures` needs one structure per profile: 2 profiles, 1 structures/],
    [['--profiles', committedWasm, path.join(dir, 'missing.json')], 5, /missing\.json: no such file/],
    [['--profiles', committedWasm, committedWebgpu, '--structures', narrow, path.join(dir, 'nope.json')], 4, /nope\.json: no such file/],
    [['--profiles', committedWasm, committedWebgpu, '--target-ratio', '1.5'], 2, /`--target-ratio` must be in \(0, 1\)/],
    [['--profiles', committedWasm, committedWebgpu, '--candidates', '2', '--train-limit', '256'], 2, /^morphlat: shrinking for `amd-epyc-2c-wasm-resnet-mini`: `--candidates` chooses on validation data, and there is none/],
  ])('%j: one error line, exit %d', async (extra, code, message) => {
    const stderr: string[] = [];
    const io = { out: () => undefined, err: (t: string) => void stderr.push(t), verbose: false, interactive: false };
    expect(await main(['compare', '--model', modelFile, '--out', path.join(dir, 'bad'), ...extra], io)).toBe(code);
    const errors = stderr.filter((l) => l.startsWith('morphlat:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(existsSync(path.join(dir, 'bad', 'compare.json'))).toBe(false);
  });
});

describe('morphlat compare on your own model and data', () => {
  test('--data: architectures of a Keras-style model retrained on a folder of images, their accuracy in compare.json', async () => {
    const own = path.join(dir, 'own');
    const keras = await saveAsConvertedFromKeras(kerasStyleModel(), path.join(own, 'model'));
    await writeImageFolder(path.join(own, 'photos'), { perClass: 6 });
    const small = path.join(own, 'small.json');
    const large = path.join(own, 'large.json');
    writeFileSync(small, JSON.stringify({ conv2d: 8, separable_conv2d: 8, conv2d_1: 4 }));
    writeFileSync(large, JSON.stringify({ conv2d: 16, separable_conv2d: 12, conv2d_1: 8 }));
    const result = path.join(own, 'out');
    const r = await runCli([
      'compare', '--model', keras, '--profiles', committedWasm, committedWebgpu, '--structures', small, large,
      '--data', path.join(own, 'photos'), '--validation-split', '0.25', '--retrain-epochs', '1', '--batch-size', '4', '--no-measure', '--no-png', '--out', result,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/data: 18 images in 3 classes \(blue, green, red\) from .*photos.*: \d+ training and \d+ validation/);
    const json = JSON.parse(readFileSync(path.join(result, 'compare.json'), 'utf8'));
    expect(json.architectures.map((a: { structure: Record<string, number> }) => a.structure.separable_conv2d)).toEqual([8, 12]);
    for (const a of json.architectures) {
      expect(a.accuracy).toBeGreaterThanOrEqual(0);
      expect(a.accuracy).toBeLessThanOrEqual(1);
    }
    expect(json.measuredMs.every((row: unknown[]) => row.every((ms) => ms === null))).toBe(true);
  }, 120_000);
});
