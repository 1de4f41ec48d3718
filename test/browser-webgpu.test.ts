/**
 * WebGPU in headless Chromium on this machine. Found here (Debian's Chromium 156 on a CPU-only VM):
 * with `--enable-unsafe-webgpu --use-angle=swiftshader --enable-unsafe-swiftshader` (the test
 * launcher's flags) a page on http://127.0.0.1 gets a SwiftShader adapter (vendor `google`,
 * architecture `swiftshader`, empty device and description) with `timestamp-query`, so the webgpu
 * backend is profiled with kernel times from the device; without those flags `requestAdapter()`
 * returns null and the session reports webgpu unavailable, writing nothing.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { startBrowserProfiler } from '../profilers/browser/server.js';
import { initBackend } from '../src/backends/index.js';
import { latencyTarget, networkCost } from '../src/costs/index.js';
import { buildGraph } from '../src/graph/index.js';
import { parseProfile } from '../src/profile/io.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium, waitForText } from './helpers/chromium.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-browser-webgpu-'));
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

beforeAll(async () => {
  await initBackend('cpu');
});

describe('webgpu in headless Chromium', () => {
  test('with the WebGPU flags it exposes a SwiftShader adapter with timestamp queries, and webgpu is profiled', async () => {
    const file = path.join(dir, 'webgpu.json');
    const model = tinyResidualModel({ size: 12, width: 16 });
    const profiler = await startBrowserProfiler({ backends: ['webgpu'], files: { webgpu: file }, model: { model, name: 'tiny' }, budgetSeconds: 10 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(profiler.url);
      const exposed = await page.evaluate(`(async () => {
        const adapter = await navigator.gpu?.requestAdapter();
        return adapter ? { vendor: adapter.info.vendor, architecture: adapter.info.architecture, timestamps: adapter.features.has('timestamp-query') } : null;
      })()`);
      expect(exposed).toEqual({ vendor: 'google', architecture: 'swiftshader', timestamps: true });
      const outcome = await profiler.done;
      expect(outcome.status).toBe('complete');
      const profile = parseProfile(outcome.backends[0]!.profile);
      expect(profile.status).toBe('complete');
      expect(profile.device).toMatchObject({ backend: 'webgpu', tfjsBackend: 'webgpu', runtime: 'browser', gpu: { vendor: 'google', architecture: 'swiftshader' } });
      expect(profile.device.browser?.webgpu).toEqual(profile.device.gpu);
      expect(profile.ops.some((op) => op.samples.some((s) => s[3] !== null))).toBe(true);
      const graph = buildGraph(model);
      expect(networkCost(graph, latencyTarget(profile)).total).toBeGreaterThan(0);
    } finally {
      await browser.close();
      await profiler.stop();
    }
  });

  test('without them there is no adapter: webgpu is reported unavailable and nothing is written', async () => {
    const file = path.join(dir, 'none.json');
    const profiler = await startBrowserProfiler({ backends: ['webgpu'], files: { webgpu: file }, budgetSeconds: 10 });
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS.filter((a) => !WEBGPU_FLAGS.includes(a)) });
    try {
      const page = await browser.newPage();
      await page.goto(profiler.url);
      const outcome = await profiler.done;
      expect(outcome.status).toBe('complete');
      expect(outcome.backends[0]).toMatchObject({ name: 'webgpu', status: 'unavailable', profile: null });
      expect(outcome.backends[0]!.reason).toMatch(/no adapter/);
      expect(existsSync(file)).toBe(false);
      await waitForText(page, '#status', 'done');
    } finally {
      await browser.close();
      await profiler.stop();
    }
  });
});
