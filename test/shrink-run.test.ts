import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { CancelledError, UsageError } from '../src/errors.js';
import { buildGraph, loadModelFile } from '../src/graph/index.js';
import { structureCost } from '../src/morph/index.js';
import { cheapestStructure } from '../src/morph/structure/index.js';
import { DEFAULT_MIN_WIDTH_RATIO, runShrink } from '../src/shrink/index.js';
import type { ShrinkRequest } from '../src/shrink/index.js';
import { brightnessImages } from './helpers/synthetic-data.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

await initBackend('wasm');
const train = brightnessImages(512, 8, 1);
const test_ = brightnessImages(128, 8, 2);
const tiny = () => tinyResidualModel({ size: 8, channels: 1, width: 12 });

describe('shrink', () => {
  test('the automatic strength reaches a FLOPs target and the outputs agree', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-shrink-'));
    const model = tiny();
    const target = flopsTarget();
    const seedCost = networkCost(buildGraph(model), target).total;
    const report = await runShrink({ model, target, train, test: test_, goal: { kind: 'ratio', ratio: 0.5 }, steps: 600, checkEvery: 10, batchSize: 16, outDir: dir, retrainEpochs: 1 });
    expect(report.initialCost).toBe(seedCost);
    expect(report.finalCost).toBeLessThanOrEqual(0.5 * seedCost);
    expect(report.finalCost).toBeGreaterThan(0.15 * seedCost);
    expect(report.stoppedBecause).toBe('target met and settled');
    expect(report.minWidthRatio).toBe(DEFAULT_MIN_WIDTH_RATIO);
    for (const count of Object.values(report.structure)) expect(count === 0 || count >= Math.ceil(DEFAULT_MIN_WIDTH_RATIO * 12)).toBe(true);
    expect(report.steps).toBeLessThan(600);
    expect(report.accuracy).toBeGreaterThan(0.25);
    expect(JSON.parse(readFileSync(path.join(dir, 'structure.json'), 'utf8'))).toEqual(report.structure);
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const markdown = readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(markdown).toContain('# Shrink report');
    expect(markdown).not.toMatch(/\n\n\n/);
    const exports = readdirSync(path.join(dir, 'learned_structure')).sort();
    expect(exports.length).toBe(report.steps / 10);
    const last = JSON.parse(readFileSync(path.join(dir, 'learned_structure', `alive_${report.steps}.json`), 'utf8'));
    expect(Object.keys(last).sort()).toEqual(['a', 'b']);
    expect(last['a']).toBe(last['b']);
    const shrunk = await loadModelFile(path.join(dir, 'model.json'));
    expect(networkCost(buildGraph(shrunk), target).total).toBe(report.finalCost);
    expect(shrunk.getLayer('a').getConfig()['filters']).toBe(report.structure['a']);
  });

  test('a structure that lands under the target is filled back up to it by one width multiplier', async () => {
    const target = flopsTarget();
    const fresh = () => tinyResidualModel({ size: 8, channels: 1, width: 32 });
    const model = fresh();
    const seedCost = networkCost(buildGraph(model), target).total;
    const run = (fill: boolean) =>
      runShrink({ model: fresh(), target, train, goal: { kind: 'ratio', ratio: 0.9 }, steps: 400, checkEvery: 40, batchSize: 16, snap: false, fill, outDir: mkdtempSync(path.join(os.tmpdir(), 'morphlat-shrink-fill-')) });
    const plain = await run(false);
    const filled = await run(true);
    expect(filled.learnedStructure).toEqual(plain.learnedStructure);
    expect(plain.fill).toBeUndefined();
    expect(plain.finalCost).toBeLessThan(0.9 * 0.98 * seedCost);
    expect(filled.fill?.fromCost).toBe(plain.finalCost);
    expect(filled.fill?.multiplier).toBeGreaterThan(1);
    expect(filled.finalCost).toBeGreaterThan(plain.finalCost);
    expect(filled.finalCost).toBeLessThanOrEqual(0.9 * seedCost);
    const over = Object.fromEntries(Object.entries(filled.structure).map(([name, count]) => [name, count + 1]));
    expect(structureCost(buildGraph(model), target, over)).toBeGreaterThan(0.9 * seedCost);
  });

  test('a target below the cheapest structure the model can shrink to is refused before anything is written', async () => {
    const model = tiny();
    const target = flopsTarget();
    const graph = buildGraph(model);
    const floor = cheapestStructure(model, graph, target).cost;
    const seedCost = networkCost(graph, target).total;
    expect(floor).toBeGreaterThan(0);
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'morphlat-shrink-floor-')), 'out');
    const run = (goal: ShrinkRequest['goal']) => runShrink({ model, target, train, goal, steps: 20, batchSize: 16, outDir: dir });
    await expect(run({ kind: 'ratio', ratio: (0.9 * floor) / seedCost })).rejects.toThrow(UsageError);
    await expect(run({ kind: 'ratio', ratio: (0.9 * floor) / seedCost })).rejects.toThrow(/^`--target-ratio [0-9.e-]+` asks for [0-9.e+]+ FLOPs, which is below [0-9.e+]+ FLOPs, the least this model's flops can shrink to/);
    await expect(run({ kind: 'cost', cost: 0.99 * floor })).rejects.toThrow(/^the target of [0-9.e+]+ FLOPs is below/);
    expect(existsSync(dir)).toBe(false);
    const report = await run({ kind: 'cost', cost: 1.5 * floor });
    expect(report.initialCost).toBe(seedCost);
  });

  test('an interrupted run resumes from its last exported step', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-shrink-resume-'));
    const controller = new AbortController();
    let steps = 0;
    const first = await runShrink({
      model: tiny(), target: flopsTarget(), train, goal: { kind: 'strength', strength: 0.5 }, steps: 60, checkEvery: 10, batchSize: 16, outDir: dir,
      signal: controller.signal,
      onProgress: (p) => {
        steps = p.step;
        if (p.step === 25) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(CancelledError);
    expect(steps).toBe(25);
    expect(existsSync(path.join(dir, 'learned_structure', 'alive_25.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'model.json'))).toBe(false);
    const seen: number[] = [];
    const report = await runShrink({
      model: tiny(), target: flopsTarget(), train, goal: { kind: 'strength', strength: 0.5 }, steps: 60, checkEvery: 10, batchSize: 16, outDir: dir, resume: true,
      onProgress: (p) => seen.push(p.step),
    });
    expect(seen[0]).toBe(26);
    expect(report.steps).toBe(60);
    expect(readdirSync(path.join(dir, 'learned_structure')).sort()).toEqual(['alive_10.json', 'alive_20.json', 'alive_25.json', 'alive_35.json', 'alive_45.json', 'alive_55.json', 'alive_60.json']);
    expect(existsSync(path.join(dir, 'model.json'))).toBe(true);
  });
});
