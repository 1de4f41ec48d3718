/**
 * Channel prices: one channel of each resizable group under a target, checked against FLOPs counted by
 * hand on a tiny residual model (the conv kernels' and the head's multiply-adds, 2 FLOPs each), and
 * through `morphlat cost --channels` on a zoo model against a device profile.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { StructureError } from '../src/errors.js';
import { flopsTarget } from '../src/costs/index.js';
import { buildGraph } from '../src/graph/index.js';
import { channelPrices } from '../src/morph/structure/index.js';
import { costJson, ensureBuilt, runCli } from './helpers/cli.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

await initBackend('cpu');

/** FLOPs of the tiny model's channel-dependent layers at width c (12x12 input, 3 channels, 3x3 convs a and b, a Dense head of 4). */
const tinyFlops = (c: number): number => 2 * 144 * 9 * 3 * c + 2 * 144 * 9 * c * c + 2 * c * 4;

describe('channel prices', () => {
  const graph = buildGraph(tinyResidualModel({ size: 12, channels: 3, classes: 4, width: 8 }));

  test("price the residual group's last channel by what it adds to every layer that writes or reads it", () => {
    const prices = channelPrices(graph, flopsTarget());
    expect(prices).toHaveLength(1);
    expect(prices[0]).toMatchObject({ owners: ['a', 'b'], count: 8, width: 8 });
    expect(prices[0]!.price).toBe(tinyFlops(8) - tinyFlops(7));
  });

  test('refuse a structure that gives residual-tied layers different counts, naming them', () => {
    expect(() => channelPrices(graph, flopsTarget(), { a: 4 })).toThrow(StructureError);
    expect(() => channelPrices(graph, flopsTarget(), { a: 4 })).toThrow(/`a` \(4\), `b` \(8, its full width\) are tied by a residual Add/);
  });

  test('price a group at one channel by what a second one would add', () => {
    const [price] = channelPrices(graph, flopsTarget(), { a: 1, b: 1 });
    expect(price?.count).toBe(1);
    expect(price?.price).toBe(tinyFlops(2) - tinyFlops(1));
  });
});

describe('morphlat cost --channels', () => {
  ensureBuilt();
  const profile = 'device-profiles/amd-epyc-2c-wasm-mobilenet-mini.json';

  test("prints each group's channel as a share of the latency beside its share of the FLOPs", async () => {
    type Channels = { owners: string[]; count: number; width: number; price: number; share: number; flopsShare?: number }[];
    const [latency, flops, text] = await Promise.all([
      costJson(['--model', 'mobilenet-mini', '--target', 'latency', '--profile', profile, '--channels']),
      costJson(['--model', 'mobilenet-mini', '--channels']),
      runCli(['cost', '--model', 'mobilenet-mini', '--target', 'latency', '--profile', profile, '--channels']),
    ]);
    const latencyChannels = (latency as unknown as { channels: Channels }).channels;
    const flopsChannels = (flops as unknown as { channels: Channels }).channels;
    expect(latencyChannels.map((c) => c.owners.join(','))).toContain('b1_project,b2_project');
    expect(latencyChannels.map((c) => c.owners)).toEqual(flopsChannels.map((c) => c.owners));
    latencyChannels.forEach((c, i) => {
      expect(c.price).toBeGreaterThan(0);
      expect(c.share).toBeCloseTo(c.price / latency.total, 12);
      expect(c.flopsShare).toBeCloseTo(flopsChannels[i]!.price / flops.total, 12);
      expect(flopsChannels[i]!.flopsShare).toBeUndefined();
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/channel group\s+alive\s+one channel \(ms\)\s+share\s+FLOP share\s+x FLOP share/);
    expect(text.stdout).toMatch(/b1_project, b2_project\s+24\/24/);
  });

  test('names the structure file and the tied layers when they disagree, in one line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-channels-'));
    const file = path.join(dir, 'alive.json');
    writeFileSync(file, JSON.stringify({ stem: 8 }));
    const r = await runCli(['cost', '--model', 'resnet-mini', '--structure', file, '--channels']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${file}: \`stem\` (8), \`s1b1_conv2\` (16, its full width) are tied by a residual Add`);
  });
});
