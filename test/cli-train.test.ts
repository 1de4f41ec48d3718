/**
 * `morphlat train`: a short real run on wasm on the bundled Fashion-MNIST subset writes a loadable,
 * trained model.json and prints the data source and a test accuracy; a saved model.json trains on;
 * Ctrl-C stops between steps, saves the model trained so far and exits 130; bad options give one
 * error line naming the option and a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT_CODES } from '../src/cli/exit-codes.js';
import type { ErrorCode } from '../src/errors.js';
import { loadModelFile } from '../src/graph/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { ensureBuilt, linesOf, ROOT, runCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';
import { useCpu } from './helpers/tf.js';

const SUBSET = path.join(ROOT, 'data', 'fashion-mnist-subset');
/** A few steps of batch 32 on the first 96 training images of the bundled subset. */
const SHORT = ['--backend', 'wasm', '--data-dir', SUBSET, '--train-limit', '96', '--batch-size', '32'];

let tmp: string;
let first: CliResult;
let again: CliResult;
const out = (name: string): string => path.join(tmp, name);

/** The weights of a saved model, as plain arrays in layer order. */
async function savedWeights(dir: string): Promise<number[][]> {
  const model = await loadModelFile(path.join(dir, 'model.json'));
  const values = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
  model.dispose();
  return values;
}

beforeAll(async () => {
  ensureBuilt();
  await useCpu();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-cli-train-'));
  first = await runCli(['train', '--model', 'resnet-mini', '--steps', '3', ...SHORT, '--out', out('first')]);
  if (first.code !== 0) throw new Error(`train failed: ${first.stderr}`);
  again = await runCli(['train', '--model', path.join(out('first'), 'model.json'), '--steps', '2', ...SHORT, '--out', out('again')]);
}, 300_000);

afterAll(async () => {
  if (tmp !== undefined) await fs.rm(tmp, { recursive: true, force: true });
});

describe('a short run on wasm', () => {
  test('says which data it used, how it trains, and the test accuracy', () => {
    expect(first.stdout).toContain(`data: folder ${SUBSET}: 96 training and 1,000 test images`);
    expect(first.stdout).toContain('model: zoo:resnet-mini');
    expect(first.stdout).toMatch(/training: 3 steps of 32 images, adam at learning rate 0\.002 decayed along a cosine, seed 1/);
    const accuracy = /test accuracy: (\d+\.\d\d)% \(loss \d+\.\d+, 1,000 images\)/.exec(first.stdout);
    expect(accuracy, first.stdout).not.toBeNull();
    const percent = Number(accuracy?.[1]);
    expect(percent).toBeGreaterThanOrEqual(0);
    expect(percent).toBeLessThanOrEqual(100);
  });

  test('reports progress with loss, images per second and ETA on stderr', () => {
    const progress = linesOf(first.stderr).filter((l) => l.startsWith('step '));
    expect(progress.at(-1)).toMatch(/^step 3\/3 \(epoch 1\): loss \d+\.\d{4}, \d+\.\d img\/s, ETA 0 s$/);
  });

  test('writes model.json and weights.bin only, loadable, with trained weights', async () => {
    expect((await fs.readdir(out('first'))).sort()).toEqual(['model.json', 'weights.bin']);
    const trained = await savedWeights(out('first'));
    const initial = zooEntry('resnet-mini').build({ seed: 1 });
    const start = await Promise.all(initial.getWeights().map(async (w) => Array.from(await w.data())));
    initial.dispose();
    expect(trained.map((w) => w.length)).toEqual(start.map((w) => w.length));
    const changed = trained.filter((w, i) => w.some((v, j) => v !== start[i]?.[j]));
    expect(changed.length).toBeGreaterThan(0);
    expect(trained.flat().every(Number.isFinite)).toBe(true);
  });

  test('the saved model predicts ten class probabilities per image', async () => {
    const model = await loadModelFile(path.join(out('first'), 'model.json'));
    const y = model.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;
    expect(y.shape).toEqual([2, 10]);
    y.dispose();
    model.dispose();
  });

  test('a saved model.json trains on from its weights', async () => {
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`model: ${path.join(out('first'), 'model.json')}`);
    expect(again.stdout).toMatch(/test accuracy: \d+\.\d\d%/);
    const before = await savedWeights(out('first'));
    const after = await savedWeights(out('again'));
    expect(after.some((w, i) => w.some((v, j) => v !== before[i]?.[j]))).toBe(true);
  });
});

describe('Ctrl-C', () => {
  test('stops between steps, saves the model trained so far and exits 130', async () => {
    const dir = out('interrupted');
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'morphlat.js'), 'train', '--model', 'plain-cnn', '--steps', '100000', ...SHORT, '--out', dir],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
    );
    let stderr = '';
    let signalled = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!signalled && stderr.includes('step 1/100000')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(EXIT_CODES.E_CANCELLED);
    expect(stderr).toMatch(/interrupted after \d+ steps \(\d+\.\d\d epochs\) in .*; the partly trained model is saved in /);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const model = await loadModelFile(path.join(dir, 'model.json'));
    expect(model.name).toBe('plain-cnn');
    model.dispose();
  });
});

interface BadCase {
  readonly what: string;
  readonly args: () => string[];
  /** Text the one stderr line must contain. */
  readonly names: () => string[];
  readonly code: ErrorCode;
}

const BAD: readonly BadCase[] = [
  { what: 'batch size 0', args: () => ['--batch-size', '0'], names: () => ['--batch-size'], code: 'E_USAGE' },
  { what: 'fractional steps', args: () => ['--steps', '1.5'], names: () => ['--steps'], code: 'E_USAGE' },
  { what: 'epochs and steps together', args: () => ['--epochs', '2', '--steps', '5'], names: () => ['--epochs', '--steps'], code: 'E_USAGE' },
  { what: 'unknown optimizer', args: () => ['--optimizer', 'rmsprop'], names: () => ['--optimizer', 'rmsprop'], code: 'E_USAGE' },
  { what: 'negative learning rate', args: () => ['--learning-rate', '-1'], names: () => ['--learning-rate'], code: 'E_USAGE' },
  { what: 'learning rate that is not a number', args: () => ['--learning-rate', 'fast'], names: () => ['learning-rate'], code: 'E_USAGE' },
  { what: 'unknown backend', args: () => ['--backend', 'tpu'], names: () => ['--backend', 'tpu'], code: 'E_USAGE' },
  { what: 'unknown schedule', args: () => ['--schedule', 'step'], names: () => ['--schedule', 'step'], code: 'E_USAGE' },
  { what: 'unknown zoo model', args: () => ['--model', 'resnet-huge'], names: () => ['resnet-huge'], code: 'E_USAGE' },
  { what: 'no --out', args: () => ['--out', ''], names: () => ['--out'], code: 'E_USAGE' },
  { what: '--out onto a file', args: () => ['--out', out('a-file')], names: () => [out('a-file'), 'not a folder'], code: 'E_MODEL_FILE' },
  { what: 'a data folder without the files', args: () => ['--data-dir', tmp], names: () => [tmp], code: 'E_DATA' },
];

describe.each(BAD)('$what', (c) => {
  test('one stderr line naming it, the exit code of its kind, nothing saved', async () => {
    await fs.writeFile(out('a-file'), 'not a folder');
    const dir = out(`bad-${c.what.replace(/\W+/g, '-')}`);
    const args = ['train', '--model', 'plain-cnn', '--steps', '1', ...SHORT, '--out', dir, ...c.args()];
    const r = await runCli(args);
    expect(r.code).toBe(EXIT_CODES[c.code]);
    const lines = linesOf(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    for (const name of c.names()) expect(lines[0]).toContain(name);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    await expect(fs.stat(dir)).rejects.toThrow();
  });
});
