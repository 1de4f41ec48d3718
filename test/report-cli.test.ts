/**
 * `morphlat report --profile P`: the roofline and one chart per profiled op, as SVG and PNG, and a
 * self-contained index.html; into `<profile name>-report/` by default; a bad profile gives one error line.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { ensureBuilt, ROOT, runCli } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-cli-report-'));
const profileFile = path.join(ROOT, 'device-profiles', 'llvmpipe-2c-webgpu-resnet-mini.json');
const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as { ops: { samples: unknown[]; heldOut: unknown[] }[] };
const drawnOps = profile.ops.filter((o) => o.samples.length + o.heldOut.length > 0).length;

beforeAll(() => ensureBuilt());

describe('morphlat report', () => {
  test('draws the roofline and every profiled op, in SVG, PNG and one HTML page', async () => {
    const out = path.join(dir, 'out');
    const r = await runCli(['report', '--profile', profileFile, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`wrote .*index\\.html and ${drawnOps + 1} charts`));
    expect(existsSync(path.join(out, 'roofline.svg'))).toBe(true);
    expect(existsSync(path.join(out, 'roofline.png'))).toBe(true);
    const ops = readdirSync(path.join(out, 'ops'));
    expect(ops.filter((f) => f.endsWith('.svg'))).toHaveLength(drawnOps);
    expect(ops.filter((f) => f.endsWith('.png'))).toHaveLength(drawnOps);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(drawnOps + 1);
    expect(html).toContain('llvmpipe');
    expect(html).not.toMatch(/<script|(src|href)="(https?:)?\/\//);
  });

  test('writes into <profile name>-report/ by default', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'morphlat-cli-report-default-'));
    const r = await runCli(['report', '--profile', profileFile, '--no-png'], cwd);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(cwd, 'llvmpipe-2c-webgpu-resnet-mini-report', 'index.html'))).toBe(true);
    expect(existsSync(path.join(cwd, 'llvmpipe-2c-webgpu-resnet-mini-report', 'roofline.png'))).toBe(false);
  });

  test.each([
    ['missing.json', null, /missing\.json: no such file/],
    ['truncated.json', '{"schema": "morphlat/device-profile@1", "name": ', /truncated\.json: not valid JSON/],
    ['other.json', '{"schema": "morphlat/device-profile@1", "name": "x"}', /other\.json: field `status`/],
  ])('%s: one error line, exit 5', async (name, content, message) => {
    const file = path.join(dir, name);
    if (content !== null) writeFileSync(file, content);
    const stderr: string[] = [];
    const io = { out: () => undefined, err: (t: string) => void stderr.push(t), verbose: false, interactive: false };
    expect(await main(['report', '--profile', file, '--out', path.join(dir, 'bad')], io)).toBe(5);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(message);
    expect(existsSync(path.join(dir, 'bad'))).toBe(false);
  });
});
