/**
 * A closed tab loses nothing already sent: reopening the address resumes the partial profile and
 * completes it with the earlier samples kept. A second tab takes the session over from the first.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBrowserProfiler } from '../profilers/browser/server.js';
import type { SessionEvent } from '../profilers/browser/session.js';
import { initBackend } from '../src/backends/index.js';
import { readProfile } from '../src/profile/io.js';
import type { DeviceProfile } from '../src/profile/schema.js';
import { saveModelFiles } from '../src/graph/index.js';
import { launchChromium, waitForText } from './helpers/chromium.js';
import { ensureBuilt, ROOT } from './helpers/cli.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-browser-resume-'));
let browser: Browser;

beforeAll(async () => {
  await initBackend('cpu');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
});

/** Resolves with the first checkpoint that holds a swept op. */
function firstSweep(events: { on: (e: SessionEvent) => void }): Promise<DeviceProfile> {
  return new Promise((resolve) => {
    events.on = (e) => {
      if (e.kind === 'checkpoint' && e.profile.ops.length > 0) resolve(e.profile);
    };
  });
}

describe('a browser profile across tabs', () => {
  test('a tab closed mid-way and reopened resumes and keeps the earlier samples', async () => {
    const file = path.join(dir, 'resumed.json');
    const events = { on: (_e: SessionEvent): void => {} };
    const connected: string[] = [];
    const profiler = await startBrowserProfiler({
      backends: ['wasm'],
      files: { wasm: file },
      model: { model: tinyResidualModel({ size: 12, width: 16 }), name: 'tiny' },
      budgetSeconds: 10,
      onEvent: (e) => {
        if (e.kind === 'connected') connected.push(e.runner);
        events.on(e);
      },
    });
    const swept = firstSweep(events);
    const first = await browser.newPage();
    await first.goto(profiler.url);
    const partial = await swept;
    await first.close();
    const onDisk = await readProfile(file);
    expect(onDisk.status).toBe('partial');
    expect(onDisk.ops.length).toBeGreaterThan(0);

    const second = await browser.newPage();
    await second.goto(profiler.url);
    const outcome = await profiler.done;
    expect(outcome.status).toBe('complete');
    expect(connected).toHaveLength(2);
    const final = outcome.backends[0]!.profile!;
    expect(final.status).toBe('complete');
    expect(await readProfile(file)).toEqual(final);
    expect(final.createdAt).toBe(partial.createdAt);
    expect(final.profilingSeconds).toBeGreaterThanOrEqual(partial.profilingSeconds);
    for (const item of partial.done) expect(final.done).toContain(item);
    for (const op of partial.ops) {
      const kept = final.ops.find((o) => o.signature === op.signature);
      expect(kept?.samples).toEqual(op.samples);
      expect(kept?.heldOut).toEqual(op.heldOut);
    }
    expect(final.ops.length).toBeGreaterThan(partial.ops.length);
    await waitForText(second, '#status', 'done');
    await second.close();
  });

  test('a second tab takes the session over; the first stops and the profile completes', async () => {
    const file = path.join(dir, 'taken-over.json');
    const events = { on: (_e: SessionEvent): void => {} };
    const profiler = await startBrowserProfiler({
      backends: ['wasm'],
      files: { wasm: file },
      model: { model: tinyResidualModel({ size: 12, width: 16 }), name: 'tiny' },
      budgetSeconds: 10,
      onEvent: (e) => events.on(e),
    });
    const swept = firstSweep(events);
    const first = await browser.newPage();
    await first.goto(profiler.url);
    await swept;
    const second = await browser.newPage();
    await second.goto(profiler.url);
    await waitForText(first, '#status', 'another tab took over', { contains: true, timeout: 60_000 });
    const outcome = await profiler.done;
    expect(outcome.status).toBe('complete');
    expect(outcome.backends[0]!.profile?.status).toBe('complete');
    expect(outcome.refused).toBeGreaterThan(0);
    await first.close();
    await second.close();
  });
});

/** Runs `morphlat profile --browser ...`, opens its address, and calls `whileRunning` with the child. */
function profileCommand(args: readonly string[], whileRunning: (child: ReturnType<typeof spawn>) => void = () => {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'morphlat.js'), 'profile', '--browser', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let opened = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const url = /http:\/\/\S+\?token=\S+/.exec(stdout)?.[0];
      if (url !== undefined && !opened) {
        opened = true;
        browser.newPage().then((page) => page.goto(url)).catch(reject);
        whileRunning(child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Ctrl-C during profile --browser', () => {
  test('saves what the browser sent, and --resume completes it', async () => {
    ensureBuilt();
    const modelFile = path.join(dir, 'tiny', 'model.json');
    await saveModelFiles(tinyResidualModel({ size: 12, width: 16 }), path.join(dir, 'tiny'));
    const out = path.join(dir, 'interrupted.json');
    const args = ['--backends', 'wasm', '--model', modelFile, '--budget-s', '10', '--out', out];
    const interrupted = await profileCommand(args, (child) => {
      const poll = setInterval(() => {
        if (!existsSync(out)) return;
        clearInterval(poll);
        child.kill('SIGINT');
      }, 50);
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain(`saved in ${out}: rerun the same command with \`--resume\``);
    const partial = await readProfile(out);
    expect(partial.status).toBe('partial');

    const resumed = await profileCommand([...args, '--resume']);
    expect(resumed.code).toBe(0);
    const final = await readProfile(out);
    expect(final.status).toBe('complete');
    expect(final.createdAt).toBe(partial.createdAt);
    for (const item of partial.done) expect(final.done).toContain(item);
    for (const op of partial.ops) expect(final.ops.find((o) => o.signature === op.signature)?.samples).toEqual(op.samples);
  });
});
