/**
 * A device on the network opens this machine's LAN address, not 127.0.0.1. Browsers give such a page
 * a secure context only over HTTPS, and without one its clock is coarsened to 100 µs: `--host 0.0.0.0`
 * therefore serves HTTPS with a session certificate. Here headless Chromium opens the LAN address
 * (accepting the certificate, as the user does in the browser's warning) and profiles wasm; the same
 * page over plain http is refused by the page itself, naming why, and nothing is written.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isLoopback, startBrowserProfiler } from '../profilers/browser/server.js';
import { initBackend } from '../src/backends/index.js';
import { launchChromium } from './helpers/chromium.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-browser-lan-'));
let browser: Browser;

beforeAll(async () => {
  await initBackend('cpu');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
});

/** The profiler's first address that is not loopback (this machine must have a LAN address). */
function lanAddress(urls: readonly string[]): string {
  const lan = urls.find((u) => !isLoopback(new URL(u).hostname.replace(/^\[|\]$/g, '')));
  if (lan === undefined) throw new Error(`this machine has no non-loopback IPv4 address to test with (addresses: ${urls.join(', ')})`);
  return lan;
}

describe('a page opened at the LAN address', () => {
  test('over the session\'s HTTPS it is secure and cross-origin isolated, and profiles wasm', async () => {
    const file = path.join(dir, 'wasm.json');
    const profiler = await startBrowserProfiler({ backends: ['wasm'], files: { wasm: file }, host: '0.0.0.0', model: { model: tinyResidualModel({ size: 12, width: 16 }), name: 'tiny' }, budgetSeconds: 10 });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(lanAddress(profiler.urls));
      expect(await page.evaluate('({ secure: isSecureContext, isolated: crossOriginIsolated })')).toEqual({ secure: true, isolated: true });
      const outcome = await profiler.done;
      expect(outcome.backends[0]?.status).toBe('complete');
      const browserFacts = outcome.backends[0]?.profile?.device.browser;
      expect(browserFacts).toMatchObject({ secureContext: true, crossOriginIsolated: true });
      expect(browserFacts?.timerResolutionMs).toBeLessThanOrEqual(0.05);
    } finally {
      await context.close();
      await profiler.stop();
    }
  });

  test('over plain http its clock is too coarse: the page says so and nothing is written', async () => {
    const file = path.join(dir, 'plain.json');
    const profiler = await startBrowserProfiler({ backends: ['wasm'], files: { wasm: file }, host: '0.0.0.0', tls: false, budgetSeconds: 10 });
    const page = await browser.newPage();
    try {
      const address = lanAddress(profiler.urls);
      expect(address).toMatch(/^http:/);
      await page.goto(address);
      const outcome = await profiler.done;
      expect(outcome.backends[0]).toMatchObject({ status: 'unavailable', profile: null });
      expect(outcome.backends[0]?.reason).toMatch(/clock steps by \d+ µs, too coarse.*not a secure context/);
      expect(existsSync(file)).toBe(false);
    } finally {
      await page.close();
      await profiler.stop();
    }
  });
});
