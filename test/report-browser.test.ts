/**
 * The HTML reports in a real browser: headless Chromium opens a compare report and a profile report
 * from disk; the pages log no console errors and raise nothing, every chart is laid out at a visible
 * size, and the screenshot is not blank.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { compareArchitectures, writeCompareJson } from '../src/compare/index.js';
import { readProfile } from '../src/profile/io.js';
import { writeCompareReport } from '../src/report/compare-page.js';
import { writeProfileReport } from '../src/report/profile-page.js';
import { launchChromium } from './helpers/chromium.js';
import { ROOT } from './helpers/cli.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-report-browser-'));
const profileFile = (name: string): string => path.join(ROOT, 'device-profiles', `${name}.json`);
const pages: { name: string; file: string; charts: number }[] = [];
let browser: Browser;

beforeAll(async () => {
  await initBackend('wasm');
  const wasm = await readProfile(profileFile('amd-epyc-2c-wasm-resnet-mini'));
  const webgpu = await readProfile(profileFile('llvmpipe-2c-webgpu-resnet-mini'));
  const compareDir = path.join(dir, 'compare');
  const result = await compareArchitectures({
    model: tinyResidualModel({ size: 28, channels: 1, classes: 10, width: 12 }),
    modelName: 'tiny',
    devices: [
      { profile: wasm, structure: { a: 4, b: 4 } },
      { profile: webgpu, structure: { a: 8, b: 8 } },
    ],
    outDir: compareDir,
    measure: { rounds: 1, runsPerRound: 2, warmupMs: 0, warmupRuns: 1 },
  });
  await writeCompareJson(compareDir, result);
  const compare = await writeCompareReport(compareDir, result, { png: false });
  pages.push({ name: 'compare report', file: compare.html, charts: compare.charts.length });
  const profile = await writeProfileReport(path.join(dir, 'profile'), webgpu, { png: false });
  pages.push({ name: 'profile report', file: profile.html, charts: profile.charts.length });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the HTML reports in headless Chromium', () => {
  test.each(['compare report', 'profile report'])('the %s loads cleanly and shows its charts', async (name) => {
    const page = pages.find((p) => p.name === name)!;
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    tab.on('pageerror', (e) => errors.push(String(e)));
    tab.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await tab.goto(pathToFileURL(page.file).href, { waitUntil: 'load' });
    const boxes = await tab.$$eval('figure > svg', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
    const screenshot = await tab.screenshot({ fullPage: true });
    await tab.close();

    expect(errors).toEqual([]);
    expect(boxes).toHaveLength(page.charts);
    for (const [w, h] of boxes) {
      expect(w).toBeGreaterThan(150);
      expect(h).toBeGreaterThan(100);
    }
    const stats = await sharp(screenshot).stats();
    expect(Math.max(...stats.channels.map((c) => c.max - c.min))).toBeGreaterThan(150);
    expect(stats.channels.some((c) => c.stdev > 5)).toBe(true);
  });
});
