/**
 * Debian's headless Chromium for browser tests, driven by playwright-core. A test that needs it and
 * cannot start it fails loudly with what to install; it is never skipped.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (override with MORPHLAT_CHROMIUM). */
export const CHROMIUM_PATH = process.env['MORPHLAT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags that keep headless Chromium off the network and give it WebGPU on SwiftShader where it can. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** Starts headless Chromium; throws naming the package to install when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's \`chromium\` package (apt-get install -y chromium), or set MORPHLAT_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
