/**
 * `morphlat profile --browser` end to end: the CLI serves the page, headless Chromium opens the printed
 * address and profiles webgl and wasm, and the profiles it writes are ordinary device profiles that
 * predict, cost and the MorphNet regularizer take unchanged.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { latencyTarget, networkCost } from '../src/costs/index.js';
import { buildGraph, saveModelFiles } from '../src/graph/index.js';
import { NetworkRegularizer, snapStructure } from '../src/morph/index.js';
import { parseProfile } from '../src/profile/io.js';
import type { DeviceProfile } from '../src/profile/schema.js';
import { launchChromium } from './helpers/chromium.js';
import { ensureBuilt, linesOf, ROOT, runCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-browser-profile-'));
const modelFile = path.join(dir, 'tiny', 'model.json');
const outDir = path.join(dir, 'profiles');
const model = () => tinyResidualModel({ size: 12, width: 16 });
let browser: Browser;
let run: CliResult & { url: string };

/** Runs the CLI, opening the address it prints in headless Chromium; resolves when it exits. */
function profileInBrowser(args: readonly string[]): Promise<CliResult & { url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'morphlat.js'), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let url = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const found = /http:\/\/\S+\?token=\S+/.exec(stdout)?.[0];
      if (found !== undefined && url === '') {
        url = found;
        browser.newPage().then((page) => page.goto(url)).catch(reject);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, url }));
  });
}

const profileOf = (backend: string): DeviceProfile => parseProfile(JSON.parse(readFileSync(path.join(outDir, `${backend}.json`), 'utf8')));

beforeAll(async () => {
  ensureBuilt();
  await initBackend('cpu');
  await saveModelFiles(model(), path.join(dir, 'tiny'));
  browser = await launchChromium();
  run = await profileInBrowser(['profile', '--browser', '--backends', 'webgl,wasm', '--model', modelFile, '--budget-s', '10', '--out', outDir]);
  if (run.code !== 0) throw new Error(`profile --browser exited ${String(run.code)}: ${run.stderr}`);
}, 240_000);

afterAll(async () => {
  await browser.close();
});

describe('morphlat profile --browser', () => {
  test('prints a loopback address with a token and reports the browser that connected', () => {
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect(run.stderr).toMatch(/browser connected: .*HeadlessChrome\/\d+/);
    expect(run.stdout).toContain(`wrote ${path.join(outDir, 'webgl.json')}`);
    expect(run.stdout).toContain(`wrote ${path.join(outDir, 'wasm.json')}`);
  });

  test.each(['webgl', 'wasm'])('the %s profile is complete and records the browser', (backend) => {
    const profile = profileOf(backend);
    expect(profile.status).toBe('complete');
    expect(profile.model?.name).toBe('tiny');
    expect(profile.device).toMatchObject({ backend, tfjsBackend: backend, runtime: 'browser', cpuCores: os.cpus().length });
    expect(profile.device.userAgent).toMatch(/HeadlessChrome/);
    expect(profile.device.browser).toMatchObject({ name: 'HeadlessChrome', secureContext: true, crossOriginIsolated: true });
    expect(profile.device.browser?.webgl?.renderer).toMatch(/SwiftShader/);
    expect(profile.name).toBe(`headlesschrome-linux-x86-64-${os.cpus().length}c-${backend}-tiny`);
    if (backend === 'webgl') expect(profile.device.gpu?.description).toBe(profile.device.browser?.webgl?.renderer);
    else expect(profile.device.gpu).toBeUndefined();
    const graph = buildGraph(model());
    const kinds = new Set(profile.ops.map((o) => o.geometry.kind));
    for (const op of graph.ops.filter((o) => o.kind !== 'input')) expect(kinds.has(op.kind)).toBe(true);
    for (const op of profile.ops) expect(op.fit).not.toBeNull();
    expect(profile.roofline?.gflops['conv2d']).toBeGreaterThan(0);
    expect(profile.calibrationPoints.length).toBeGreaterThanOrEqual(3);
    expect(profile.validation.endToEnd?.count).toBeGreaterThanOrEqual(3);
  });

  test.each(['webgl', 'wasm'])('predict and cost take the %s profile unchanged', async (backend) => {
    const file = path.join(outDir, `${backend}.json`);
    const predicted = await runCli(['predict', '--profile', file, '--model', modelFile, '--json']);
    expect(predicted.code).toBe(0);
    const out = JSON.parse(predicted.stdout) as { backend: string; predictedMs: number };
    expect(out.backend).toBe(backend);
    expect(out.predictedMs).toBeGreaterThan(0);
    const cost = await runCli(['cost', '--model', modelFile, '--target', 'latency', '--profile', file, '--json']);
    expect(cost.code).toBe(0);
    expect((JSON.parse(cost.stdout) as { total: number }).total).toBeCloseTo(out.predictedMs, 9);
  });

  test.each(['webgl', 'wasm'])('the %s profile is a MorphNet latency target', async (backend) => {
    const profile = profileOf(backend);
    const target = latencyTarget(profile);
    const m = model();
    const graph = buildGraph(m);
    const regularizer = new NetworkRegularizer(m, target);
    const term = (await regularizer.term().data())[0]!;
    expect(Number.isFinite(term)).toBe(true);
    expect(term).toBeGreaterThan(0);
    expect(regularizer.cost()).toBeCloseTo(networkCost(graph, target).total, 6);
    const snapped = snapStructure(graph, { a: 11, b: 11 }, target);
    expect(networkCost(graph, target, snapped.structure).total).toBeLessThanOrEqual(networkCost(graph, target, { a: 11, b: 11 }).total + 1e-9);
    regularizer.dispose();
    m.dispose();
  });

  test('predict --measure does not time a browser profile in Node', async () => {
    const webgl = await runCli(['predict', '--profile', path.join(outDir, 'webgl.json'), '--model', modelFile, '--measure']);
    expect(webgl.code).toBe(6);
    expect(webgl.stderr).toMatch(/webgl.*runs only in a browser/);
    const wasm = await runCli(['predict', '--profile', path.join(outDir, 'wasm.json'), '--model', modelFile, '--measure']);
    expect(wasm.code).toBe(2);
    expect(wasm.stderr).toMatch(/measured in a browser, this is node/);
  });

  test('--resume of complete profiles serves nothing and says so', async () => {
    const r = await runCli(['profile', '--browser', '--backends', 'webgl,wasm', '--model', modelFile, '--budget-s', '10', '--out', outDir, '--resume']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/already complete/);
    expect(r.stdout).not.toMatch(/token=/);
  });

  test('a partial profile in --out is not overwritten without --resume', async () => {
    const profile = profileOf('wasm');
    writeFileSync(path.join(dir, 'partial.json'), JSON.stringify({ ...profile, status: 'partial' }));
    const r = await runCli(['profile', '--browser', '--backends', 'wasm', '--model', modelFile, '--out', path.join(dir, 'partial.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/interrupted run: add `--resume`/);
    expect(JSON.parse(readFileSync(path.join(dir, 'partial.json'), 'utf8')).status).toBe('partial');
  });

  test.each([
    [['profile', '--browser'], /`--browser` needs `--out`/],
    [['profile', '--browser', '--backends', 'webgl,cuda', '--out', 'x'], /`cuda` is not a browser backend/],
    [['profile', '--browser', '--backends', 'webgl,wasm', '--out', 'x.json'], /names a folder/],
    [['profile', '--browser', '--port', '70000', '--out', 'x.json', '--backends', 'wasm'], /`--port` must be an integer/],
    [['profile', '--host', '0.0.0.0', '--backend', 'wasm'], /`--host` needs `--browser`/],
    [['profile', '--backend', 'webgl', '--out', 'x.json'], /runs only in a browser.*--browser/],
  ])('%j is refused with one line', async (args, message) => {
    const r = await runCli(args, dir);
    expect(r.code).not.toBe(0);
    expect(linesOf(r.stderr).filter((l) => !l.startsWith('Run `morphlat --help`'))).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
