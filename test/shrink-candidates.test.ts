import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { flopsTarget } from '../src/costs/index.js';
import { UsageError } from '../src/errors.js';
import { loadModelFile } from '../src/graph/index.js';
import { candidateDir, runShrink } from '../src/shrink/index.js';
import type { ShrinkRequest } from '../src/shrink/index.js';
import { brightnessImages } from './helpers/synthetic-data.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

await initBackend('wasm');
const train = brightnessImages(512, 8, 1);
const test_ = brightnessImages(128, 8, 2);
const validation = brightnessImages(128, 8, 3);
const tiny = () => tinyResidualModel({ size: 8, channels: 1, width: 12 });
const settings = (outDir: string): ShrinkRequest => ({
  model: tiny(),
  target: flopsTarget(),
  train,
  test: test_,
  validation,
  goal: { kind: 'ratio', ratio: 0.5 },
  steps: 120,
  checkEvery: 10,
  batchSize: 16,
  outDir,
});

describe('shrink with candidates', () => {
  test('makes one run per seed, scores each on the validation data, and keeps the best; a resumed run redoes nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-candidates-'));
    const phases: string[] = [];
    const report = await runShrink({ ...settings(dir), candidates: 3, retrainEpochs: 1, onPhase: (p) => phases.push(p) });
    const candidates = report.candidates ?? [];
    expect(candidates.map((c) => c.seed)).toEqual([1, 2, 3]);
    expect(candidates.filter((c) => c.chosen).length).toBe(1);
    const chosen = candidates.find((c) => c.chosen);
    for (const c of candidates) expect(c.validationScore).toBeLessThanOrEqual(chosen?.validationScore ?? Number.NaN);
    expect(report.structure).toEqual(chosen?.structure);
    expect(report.finalCost).toBe(chosen?.finalCost);
    expect(report.accuracy).toBeGreaterThan(0);
    for (let k = 1; k <= 3; k++) {
      const kept = JSON.parse(readFileSync(path.join(candidateDir(dir, k), 'report.json'), 'utf8'));
      expect(kept.structure).toEqual(candidates[k - 1]?.structure);
      expect(kept.accuracy).toBeUndefined();
      expect(JSON.parse(readFileSync(path.join(candidateDir(dir, k), 'validation.json'), 'utf8')).score).toBe(candidates[k - 1]?.validationScore);
    }
    expect(JSON.parse(readFileSync(path.join(dir, 'structure.json'), 'utf8'))).toEqual(report.structure);
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toMatch(/chosen from 3 candidate runs by validation score/);
    const shrunk = await loadModelFile(path.join(dir, 'model.json'));
    expect(shrunk.getLayer('a').getConfig()['filters']).toBe(report.structure['a']);
    expect(phases.filter((p) => p.startsWith('candidate 2 of 3: ')).length).toBeGreaterThan(0);

    const again: string[] = [];
    const resumed = await runShrink({ ...settings(dir), candidates: 3, retrainEpochs: 1, resume: true, onPhase: (p) => again.push(p) });
    expect(again.filter((p) => p.startsWith('candidate'))).toEqual([]);
    expect(resumed.candidates).toEqual(report.candidates);
  });

  test('scored by several trainings: the mean of their scores; a resumed run asking for more trains only the ones missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-candidates-trainings-'));
    const once = await runShrink({ ...settings(dir), candidates: 2 });
    expect(once.candidates?.[0]?.validationScores).toBeUndefined();
    const earlier = { score: 0.5, evaluation: { task: 'classification', accuracy: 0.5, loss: 1, examples: 128 } };
    writeFileSync(path.join(candidateDir(dir, 1), 'validation.json'), JSON.stringify(earlier));
    const phases: string[] = [];
    const twice = await runShrink({ ...settings(dir), candidates: 2, candidateTrainings: 2, resume: true, onPhase: (p) => phases.push(p) });
    const scoring = phases.filter((p) => p.includes('to score it'));
    expect(scoring).toHaveLength(2);
    expect(scoring.every((p) => p.endsWith('(training 2 of 2)'))).toBe(true);
    const [first, second] = twice.candidates ?? [];
    expect(first?.validationScores?.[0]).toBe(0.5);
    expect(second?.validationScores?.[0]).toBe(once.candidates?.[1]?.validationScore);
    for (const c of twice.candidates ?? []) {
      expect(c.validationScores).toHaveLength(2);
      expect(c.validationScore).toBeCloseTo(((c.validationScores?.[0] ?? 0) + (c.validationScores?.[1] ?? 0)) / 2, 12);
    }
    const kept = JSON.parse(readFileSync(path.join(candidateDir(dir, 2), 'validation.json'), 'utf8'));
    expect(kept.scores).toEqual(second?.validationScores);
    expect(kept.evaluations).toHaveLength(2);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toMatch(/\(the mean of 2 trainings each\)/);
    await expect(runShrink({ ...settings(dir), candidates: 2, candidateTrainings: 0 })).rejects.toThrow(/^`--candidate-trainings` must be a whole number ≥ 1, got 0/);
  });

  test('candidate 1 is the run a shrink without candidates makes', async () => {
    const plain = await runShrink(settings(mkdtempSync(path.join(os.tmpdir(), 'morphlat-candidates-plain-'))));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-candidates-two-'));
    const two = await runShrink({ ...settings(dir), candidates: 2 });
    expect(two.candidates?.[0]?.structure).toEqual(plain.structure);
    expect(plain.candidates).toBeUndefined();
    expect(existsSync(path.join(dir, 'candidates', '2', 'model.json'))).toBe(true);
  });

  test('is refused without validation data, with a fixed strength, or with a count that is not a whole number ≥ 1', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'morphlat-candidates-bad-')), 'out');
    const { validation: _v, ...noValidation } = settings(dir);
    await expect(runShrink({ ...noValidation, candidates: 2 })).rejects.toThrow(/^`--candidates` chooses on validation data, and there is none/);
    await expect(runShrink({ ...settings(dir), candidates: 2, goal: { kind: 'strength', strength: 1 } })).rejects.toThrow(UsageError);
    await expect(runShrink({ ...settings(dir), candidates: 1.5 })).rejects.toThrow(/^`--candidates` must be a whole number ≥ 1, got 1.5/);
    expect(existsSync(dir)).toBe(false);
  });
});
