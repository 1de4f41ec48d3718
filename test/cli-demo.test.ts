import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseProfile } from '../src/profile/io.js';
import { linesOf, runCli } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-cli-demo-'));

describe('morphlat demo', () => {
  test('profiles wasm, shrinks resnet-mini for that latency, and prints the seed against the shrunk model', async () => {
    const out = path.join(dir, 'demo');
    const r = await runCli(['demo', '--budget-s', '8', '--steps', '40', '--retrain-epochs', '1', '--train-limit', '400', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const profile = parseProfile(JSON.parse(readFileSync(path.join(out, 'profile.json'), 'utf8')));
    expect(profile.device.backend).toBe('wasm');
    expect(profile.model?.name).toBe('resnet-mini');
    for (const file of ['shrunk/model.json', 'shrunk/structure.json', 'shrunk/report.json', 'shrunk/report.md']) expect(existsSync(path.join(out, file))).toBe(true);
    const row = (label: string): string[] => {
      const line = linesOf(r.stdout).find((l) => l.startsWith(label));
      expect(line, `a "${label}" row`).toBeDefined();
      return line!.slice(label.length).trim().split(/\s{2,}/);
    };
    const [seedParams, shrunkParams] = row('parameters').map((x) => Number(x.replace(/,/g, '')));
    expect(shrunkParams).toBeLessThan(seedParams!);
    const [predictedSeed, predictedShrunk] = row('predicted latency (ms)').map(Number);
    expect(predictedShrunk).toBeLessThan(predictedSeed!);
    expect(row('measured latency (ms)').map(Number).every((ms) => ms > 0)).toBe(true);
    const accuracies = row('test accuracy (1 epochs from scratch, subset)');
    expect(accuracies).toHaveLength(2);
    for (const a of accuracies) expect(a).toMatch(/^\d+\.\d%$/);
    const report = JSON.parse(readFileSync(path.join(out, 'shrunk', 'report.json'), 'utf8'));
    expect(report.finalCost).toBeCloseTo(predictedShrunk!, 3);
  }, 240_000);

  test('a retraining length that is not a whole number of epochs: one error line, usage exit code', async () => {
    const r = await runCli(['demo', '--retrain-epochs', '0.5', '--out', path.join(dir, 'bad')]);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr).filter((l) => l.startsWith('morphlat:'))).toEqual(['morphlat: `--retrain-epochs` must be a whole number ≥ 1, got 0.5']);
  });
});
