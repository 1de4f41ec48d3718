/**
 * `morphlat models` lists the zoo; `morphlat models export NAME --out DIR` writes model.json +
 * weights.bin that `cost --model DIR/model.json` and loadModelFile read back.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { buildGraph, loadModelFile } from '../src/graph/index.js';
import { ZOO, zooEntry } from '../src/zoo/index.js';
import { costJson, ensureBuilt, linesOf, runCli } from './helpers/cli.js';
import type { CliResult, CostJson } from './helpers/cli.js';
import { useCpu } from './helpers/tf.js';

const NAMES = ['plain-cnn', 'resnet-mini', 'mobilenet-mini', 'inception-mini'];

let tmp: string;
let table: CliResult;
let json: CliResult;
let exported: CliResult;
const exportDir = (): string => path.join(tmp, 'exported', 'resnet');
const zooCosts: Record<string, CostJson> = {};
const fileCosts: Record<string, CostJson> = {};

beforeAll(async () => {
  ensureBuilt();
  await useCpu();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-cli-models-'));
  [table, json, exported] = await Promise.all([
    runCli(['models']),
    runCli(['models', '--json']),
    runCli(['models', 'export', 'resnet-mini', '--out', exportDir()]),
  ]);
  const runs = await Promise.all([
    costJson(['--model', 'resnet-mini']).then((r) => ['zoo', 'resnet-mini', r] as const),
    costJson(['--model', 'resnet-mini', '--target', 'memory']).then((r) => ['zoo', 'resnet-mini:memory', r] as const),
  ]);
  for (const [, k, r] of runs) zooCosts[k] = r;
  if (exported.code === 0) {
    const file = path.join(exportDir(), 'model.json');
    const [flops, memory] = await Promise.all([costJson(['--model', file]), costJson(['--model', file, '--target', 'memory'])]);
    fileCosts['flops'] = flops;
    fileCosts['memory'] = memory;
  }
});

afterAll(async () => {
  if (tmp !== undefined) await fs.rm(tmp, { recursive: true, force: true });
});

describe('morphlat models', () => {
  test('lists the four zoo models in order', () => {
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    const positions = NAMES.map((n) => table.stdout.indexOf(n));
    for (const p of positions) expect(p).toBeGreaterThanOrEqual(0);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(ZOO.map((m) => m.name)).toEqual(NAMES);
    // one line per model besides the header
    expect(linesOf(table.stdout).filter((l) => NAMES.some((n) => l.startsWith(n)))).toHaveLength(4);
  });

  test('--json gives name, parameters and batch-1 FLOPs per model', () => {
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as { name: string; parameters: number; flops: number; description: string }[];
    expect(rows.map((r) => r.name)).toEqual(NAMES);
    for (const r of rows) {
      expect(r.parameters, r.name).toBe(zooEntry(r.name).build().countParams());
      expect(r.flops, r.name).toBe(networkCost(buildGraph(zooEntry(r.name).build()), flopsTarget(1)).total);
      expect(r.description.length).toBeGreaterThan(0);
    }
    expect(rows.find((r) => r.name === 'resnet-mini')?.flops).toBe(zooCosts['resnet-mini']?.total);
    // plain-cnn by hand: convs 2·28·28·9·(1·32 + 32·32) + 2·14·14·9·(32·64 + 64·64), logits 2·3136·10
    const plain = rows.find((r) => r.name === 'plain-cnn');
    expect(plain?.flops).toBe(2 * 784 * 9 * (32 + 32 * 32) + 2 * 196 * 9 * (32 * 64 + 64 * 64) + 2 * 3136 * 10);
    // kernels 9·32 + 9·32·32 + 9·32·64 + 9·64·64, BN 4·(32+32+64+64), Dense 3136·10 + 10
    expect(plain?.parameters).toBe(9 * 32 + 9 * 32 * 32 + 9 * 32 * 64 + 9 * 64 * 64 + 4 * (32 + 32 + 64 + 64) + 3136 * 10 + 10);
  });
});

describe('morphlat models export resnet-mini --out DIR', () => {
  test('writes model.json and weights.bin, and nothing else', async () => {
    expect(exported.code, exported.stderr).toBe(0);
    expect((await fs.readdir(exportDir())).sort()).toEqual(['model.json', 'weights.bin']);
    const weights = await fs.stat(path.join(exportDir(), 'weights.bin'));
    expect(weights.size).toBe(4 * zooEntry('resnet-mini').build().countParams());
    const manifest = JSON.parse(await fs.readFile(path.join(exportDir(), 'model.json'), 'utf8')) as {
      modelTopology: unknown;
      weightsManifest: { paths: string[] }[];
    };
    expect(manifest.modelTopology).toBeTypeOf('object');
    expect(manifest.weightsManifest.flatMap((g) => g.paths)).toEqual(['weights.bin']);
  });

  test('loadModelFile reads it back as resnet-mini\'s graph', async () => {
    const loaded = await loadModelFile(path.join(exportDir(), 'model.json'));
    expect(buildGraph(loaded)).toEqual(buildGraph(zooEntry('resnet-mini').build()));
  });

  test('cost --model DIR/model.json gives the zoo model\'s total and rows', () => {
    const zoo = zooCosts['resnet-mini'];
    const file = fileCosts['flops'];
    expect(file?.total).toBe(zoo?.total);
    expect(file?.layers).toEqual(zoo?.layers);
    expect(fileCosts['memory']?.total).toBe(zooCosts['resnet-mini:memory']?.total);
  });
});
