/**
 * `--data` on the command line: `train` and `shrink` read a folder of images, a CSV file and IDX files with
 * a validation split, choose the loss from the model (or `--loss`), and report the metric of the task; bad
 * data is one stderr line naming the file and the row or image, with the data exit code.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT_CODES } from '../src/cli/exit-codes.js';
import { loadModelFile, saveModelFiles } from '../src/graph/index.js';
import { encodeIdx } from '../src/train/data/idx.js';
import { ensureBuilt, linesOf, runCli } from './helpers/cli.js';
import { kerasStyleModel, saveAsConvertedFromKeras, writeImageFolder } from './helpers/own-data.js';
import { tinyResidualModel } from './helpers/tiny-model.js';
import { useCpu } from './helpers/tf.js';

let tmp: string;
let photos: string;
let kerasModel: string;
let tableModel: string;
let table: string;
const at = (...parts: string[]) => path.join(tmp, ...parts);

beforeAll(async () => {
  ensureBuilt();
  await useCpu();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-data-cli-'));
  photos = at('photos');
  await writeImageFolder(photos, { perClass: 8 });
  kerasModel = await saveAsConvertedFromKeras(kerasStyleModel({ size: 16 }), at('keras'));
  await saveModelFiles(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 8, activation: 'relu' }), tfl.layers.dense({ units: 1 })] }), at('table-model'));
  tableModel = at('table-model', 'model.json');
  const rows = Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 5, i % 2, 2 * (i % 7) - (i % 2)].join(','));
  table = at('houses.csv');
  await fs.writeFile(table, ['rooms,age,garden,price', ...rows].join('\n'));
}, 120_000);

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('train --data', () => {
  test('a folder of images with a validation split: classes, sizes and the validation accuracy', async () => {
    const r = await runCli(['train', '--model', kerasModel, '--data', photos, '--validation-split', '0.25', '--steps', '3', '--batch-size', '8', '--out', at('trained-images')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`data: 24 images in 3 classes (blue, green, red) from ${photos}: 18 training and 6 validation images`);
    expect(r.stdout).toContain('training: 3 steps of 8 images');
    expect(r.stdout).toMatch(/validation accuracy: \d+\.\d\d% \(loss \d+\.\d+, 6 images\)/);
    const model = await loadModelFile(at('trained-images', 'model.json'));
    expect(model.outputs[0]?.shape).toEqual([null, 3]);
    model.dispose();
  });

  test('a CSV file for regression: --label-column and --loss mse, the validation mean squared error', async () => {
    const r = await runCli(['train', '--model', tableModel, '--data', table, '--label-column', 'price', '--loss', 'mse', '--validation-split', '0.2', '--steps', '4', '--out', at('trained-table')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`data: 40 rows of 3 features and numeric targets from ${table}: 32 training and 8 validation rows`);
    expect(r.stdout).toMatch(/validation mean squared error: \d+(\.\d+)?(e[-+]\d+)? \(mean absolute error \d/);
  });

  test('without held-out data it trains and says it did not evaluate', async () => {
    const r = await runCli(['train', '--model', tableModel, '--data', table, '--steps', '2', '--out', at('trained-table-2')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('not evaluated: no test or validation data (give --validation-split or --validation-data)');
  });
});

describe('shrink --data', () => {
  test('IDX files: shrinks, writes the shrunk model, and retrains it on the validation split', async () => {
    const n = 64;
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 4);
    const images = Uint8Array.from({ length: n * 8 * 8 }, (_, p) => 40 + 50 * (labels[Math.floor(p / 64)] as number));
    await fs.mkdir(at('idx'));
    await fs.writeFile(at('idx', 'shapes-images-idx3-ubyte.gz'), encodeIdx([n, 8, 8], images, { gzip: true }));
    await fs.writeFile(at('idx', 'shapes-labels-idx1-ubyte.gz'), encodeIdx([n], labels, { gzip: true }));
    await saveModelFiles(tinyResidualModel({ size: 8, channels: 1, classes: 4, width: 8 }), at('tiny'));
    const out = at('shrunk-idx');
    const r = await runCli([
      'shrink', '--model', at('tiny', 'model.json'), '--data', at('idx', 'shapes-images-idx3-ubyte.gz'), '--validation-split', '16',
      '--target', 'flops', '--strength', '1', '--steps', '10', '--retrain-epochs', '1', '--batch-size', '16', '--out', out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`data: IDX files ${at('idx', 'shapes-images-idx3-ubyte.gz')}, ${at('idx', 'shapes-labels-idx1-ubyte.gz')}: 48 training and 16 validation images`);
    expect(r.stdout).toMatch(/validation accuracy of the shrunk model retrained from scratch: \d+\.\d\d%/);
    const report = JSON.parse(await fs.readFile(path.join(out, 'report.json'), 'utf8'));
    expect(report.loss).toBe('categorical');
    expect(report.accuracy).toBeGreaterThanOrEqual(0);
  });
});

describe('bad data: one line naming the file and the row or image, the data exit code', () => {
  test.each([
    {
      what: 'an unreadable image',
      setup: async () => {
        const dir = at('bad-photos');
        await writeImageFolder(dir, { perClass: 2, seed: 3 });
        await fs.writeFile(path.join(dir, 'red', 'torn.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00]));
        return ['--model', kerasModel, '--data', dir];
      },
      names: () => [at('bad-photos', 'red', 'torn.jpg'), 'cannot read as an image'],
    },
    {
      what: 'a feature that is not a number',
      setup: async () => {
        await fs.writeFile(at('bad.csv'), 'rooms,age,garden,price\n1,2,0,3\n2,old,1,4\n');
        return ['--model', tableModel, '--data', at('bad.csv'), '--loss', 'mse'];
      },
      names: () => [at('bad.csv'), 'line 3, column `age`', '`old` is not a number'],
    },
    {
      what: 'a feature count that does not match the model input',
      setup: async () => {
        await fs.writeFile(at('wide.csv'), 'a,b,c,d,price\n1,2,0,3,1\n');
        return ['--model', tableModel, '--data', at('wide.csv')];
      },
      names: () => [at('wide.csv'), '4 feature columns (a, b, c, d) but the model takes 3 inputs'],
    },
    {
      what: 'a label not in the classes',
      setup: async () => ['--model', kerasModel, '--data', photos, '--classes', 'red,green'],
      names: () => [path.join(photos, 'blue'), 'is not one of the classes red, green'],
    },
    {
      what: 'an empty split',
      setup: async () => ['--model', kerasModel, '--data', photos, '--validation-split', '0.01'],
      names: () => [photos, 'leaves no validation examples (of 24)'],
    },
    {
      what: 'data that is not there',
      setup: async () => ['--model', kerasModel, '--data', at('nowhere')],
      names: () => [at('nowhere'), 'no such file or folder'],
    },
  ])('$what', async ({ setup, names }) => {
    const out = at(`never-${Math.random().toString(36).slice(2)}`);
    const r = await runCli(['train', ...(await setup()), '--steps', '1', '--out', out]);
    expect(r.code).toBe(EXIT_CODES.E_DATA);
    const lines = linesOf(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    for (const name of names()) expect(lines[0]).toContain(name);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  test('--data-dir with other --data is a usage error', async () => {
    const r = await runCli(['train', '--model', kerasModel, '--data', photos, '--data-dir', tmp, '--steps', '1', '--out', at('never')]);
    expect(r.code).toBe(EXIT_CODES.E_USAGE);
    expect(r.stderr).toContain('`--data-dir` is the Fashion-MNIST folder');
  });
});
