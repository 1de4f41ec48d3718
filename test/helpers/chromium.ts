/**
 * Debian's headless Chromium for browser tests, driven by playwright-core. A test that needs it and
 * cannot start it fails loudly with what to install; it is never skipped.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

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

/**
 * Waits until the text of the element `selector` starts with (or contains) `text`. The check is a
 * function handed to the page, not a string: the profiling page's Content Security Policy forbids
 * `eval`, which Playwright uses for string predicates.
 */
export async function waitForText(page: Page, selector: string, text: string, options: { contains?: boolean; timeout?: number } = {}): Promise<void> {
  await page.waitForFunction(
    ([s, t, contains]) => {
      const content = (globalThis as unknown as { document: { querySelector(q: string): { textContent: string | null } | null } }).document.querySelector(s)?.textContent ?? '';
      return contains ? content.includes(t) : content.startsWith(t);
    },
    [selector, text, options.contains === true] as const,
    options.timeout === undefined ? {} : { timeout: options.timeout },
  );
}
