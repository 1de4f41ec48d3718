import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { DataError } from '../src/errors.js';
import {
  FASHION_MNIST_FILES,
  bundledFashionMnistDir,
  defaultFashionMnistCacheDir,
  loadFashionMnist,
  type FashionMnistFile,
} from '../src/train/data/fashion-mnist.js';
import { encodeIdx } from '../src/train/data/idx.js';
import { packageRoot } from '../src/train/data/package-root.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'morphlat-fmnist-'));
const subset = bundledFashionMnistDir();
const names = Object.values(FASHION_MNIST_FILES).map((f) => f.name);
const nowhere = path.join(tmp, 'nowhere');

function folderWith(name: string, files: Record<string, Uint8Array> = {}): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const file of names) copyFileSync(path.join(subset, file), path.join(dir, file));
  for (const [file, bytes] of Object.entries(files)) writeFileSync(path.join(dir, file), bytes);
  return dir;
}

let server: Server;
let baseUrl: string;
const served: string[] = [];

beforeAll(async () => {
  await initBackend('cpu');
  server = createServer((req, res) => {
    const name = path.basename(req.url ?? '');
    served.push(name);
    if (!names.includes(name)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(path.join(subset, name)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fashion/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

describe('the bundled subset', () => {
  test('is found from the package root and loads with the right shapes and labels', async () => {
    expect(subset).toBe(path.join(packageRoot(), 'data', 'fashion-mnist-subset'));
    const data = await loadFashionMnist({ source: 'subset' });
    expect(data.source.kind).toBe('subset');
    expect(data.source.dir).toBe(subset);
    expect(data.train.size).toBe(3000);
    expect(data.test.size).toBe(1000);
    expect(data.train.imageShape).toEqual([28, 28, 1]);
    expect(data.train.numClasses).toBe(10);
    for (const split of [data.train, data.test]) {
      expect(Math.max(...split.labels)).toBe(9);
      expect(Math.min(...split.labels)).toBe(0);
      expect(split.classCounts().every((count) => count >= split.size / 20)).toBe(true);
    }
    const [batch] = data.train.batches({ batchSize: 64 });
    if (batch === undefined) throw new Error('no batch');
    expect(batch.xs.shape).toEqual([64, 28, 28, 1]);
    expect(batch.ys.shape).toEqual([64, 10]);
    const pixels = batch.xs.dataSync();
    expect(pixels.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(pixels.some((p) => p > 0.5)).toBe(true);
    tf.dispose([batch.xs, batch.ys]);
  });

  test('limits and the validation split apply', async () => {
    const data = await loadFashionMnist({ source: 'subset', trainLimit: 500, testLimit: 100, validationSplit: 0.2, seed: 3 });
    expect(data.train.size).toBe(400);
    expect(data.validation?.size).toBe(100);
    expect(data.test.size).toBe(100);
  });
});

describe('packageRoot', () => {
  test.each([
    ['sources under vitest', ['src', 'train', 'data', 'fashion-mnist.ts']],
    ['compiled files', ['dist', 'src', 'train', 'data', 'fashion-mnist.js']],
  ])('finds the folder holding package.json from %s', (_, parts) => {
    const root = path.join(tmp, 'pkg');
    mkdirSync(path.join(root, ...parts.slice(0, -1)), { recursive: true });
    writeFileSync(path.join(root, 'package.json'), '{}');
    const file = path.join(root, ...parts);
    expect(packageRoot(file)).toBe(root);
    expect(packageRoot(new URL(`file://${file}`))).toBe(root);
  });
});

describe('source order', () => {
  test.each([
    {
      name: 'an explicit folder comes first',
      options: () => ({ dataDir: folderWith('explicit'), debianDir: folderWith('debian1'), cacheDir: folderWith('cache1') }),
      kind: 'dir',
      dir: 'explicit',
    },
    {
      name: "then Debian's package",
      options: () => ({ debianDir: folderWith('debian2'), cacheDir: folderWith('cache2') }),
      kind: 'debian',
      dir: 'debian2',
    },
    {
      name: 'then the download cache',
      options: () => ({ debianDir: nowhere, cacheDir: folderWith('cache3') }),
      kind: 'cache',
      dir: 'cache3',
    },
    {
      name: 'then the bundled subset',
      options: () => ({ debianDir: nowhere, cacheDir: nowhere }),
      kind: 'subset',
      dir: undefined,
    },
  ])('$name', async ({ options, kind, dir }) => {
    const data = await loadFashionMnist({ ...options(), testLimit: 10 });
    expect(data.source.kind).toBe(kind);
    expect(data.source.dir).toBe(dir === undefined ? subset : path.join(tmp, dir));
    expect(data.train.size).toBe(3000);
  });

  test('the default cache folder follows $MORPHLAT_CACHE', () => {
    const saved = process.env['MORPHLAT_CACHE'];
    try {
      process.env['MORPHLAT_CACHE'] = '/some/cache';
      expect(defaultFashionMnistCacheDir()).toBe('/some/cache/fashion-mnist');
      delete process.env['MORPHLAT_CACHE'];
      expect(defaultFashionMnistCacheDir()).toBe(path.join(os.homedir(), '.cache', 'morphlat', 'fashion-mnist'));
    } finally {
      if (saved === undefined) delete process.env['MORPHLAT_CACHE'];
      else process.env['MORPHLAT_CACHE'] = saved;
    }
  });

  test.each([
    { name: 'an explicit folder without the files', options: { dataDir: nowhere }, message: 'expected the Fashion-MNIST files' },
    { name: 'Debian only, not installed', options: { source: 'debian', debianDir: nowhere }, message: 'dataset-fashion-mnist' },
    { name: 'cache only, empty, no download', options: { source: 'cache', cacheDir: nowhere }, message: 'downloading was not allowed' },
  ] as const)('$name is a DataError', async ({ options, message }) => {
    await expect(loadFashionMnist(options)).rejects.toThrow(DataError);
    await expect(loadFashionMnist(options)).rejects.toThrow(message);
  });

  test.each([
    {
      name: 'labels and images disagree on the count',
      file: 't10k-labels-idx1-ubyte.gz',
      bytes: encodeIdx([999], new Uint8Array(999), { gzip: true }),
      message: 'holds 999 labels but',
    },
    {
      name: 'a label outside 0..9',
      file: 't10k-labels-idx1-ubyte.gz',
      bytes: encodeIdx([1000], new Uint8Array(1000).fill(10), { gzip: true }),
      message: 'label 10 of example 0 is not in 0..9',
    },
    {
      name: 'images of another size',
      file: 't10k-images-idx3-ubyte.gz',
      bytes: encodeIdx([1000, 2, 2], new Uint8Array(4000), { gzip: true }),
      message: 'images are 2x2, not 28x28',
    },
  ])('a folder whose files are inconsistent: $name', async ({ file, bytes, message }) => {
    const dir = folderWith(`bad-${file}-${message.length}`, { [file]: bytes });
    const error = await loadFashionMnist({ dataDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain(path.join(dir, file));
    expect((error as Error).message).toContain(message);
  });
});

describe('download into the cache', () => {
  const contentHashes = Object.fromEntries(
    Object.entries(FASHION_MNIST_FILES).map(([key, { name }]) => [
      key,
      createHash('sha256').update(gunzipSync(readFileSync(path.join(subset, name)))).digest('hex'),
    ]),
  ) as Record<FashionMnistFile, string>;

  test('fills an empty cache from the addresses, checks the files, then reuses them', async () => {
    const cacheDir = path.join(tmp, 'download-ok');
    const options = {
      debianDir: nowhere,
      cacheDir,
      allowDownload: true,
      urls: [`${baseUrl}missing/`, baseUrl],
      checksums: contentHashes,
    };
    const first = await loadFashionMnist(options);
    expect(first.source.kind).toBe('download');
    expect(readdirSync(cacheDir).sort()).toEqual([...names].sort());
    expect(first.train.size).toBe(3000);
    const before = served.length;
    const second = await loadFashionMnist(options);
    expect(second.source.kind).toBe('cache');
    expect(served.length).toBe(before);
  });

  test('a file whose hash does not match is refused and not left in the cache', async () => {
    const cacheDir = path.join(tmp, 'download-bad');
    const error = await loadFashionMnist({ debianDir: nowhere, cacheDir, allowDownload: true, urls: [baseUrl] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain('does not match the expected');
    expect((error as Error).message).toContain(FASHION_MNIST_FILES.trainImages.sha256);
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });

  test('an unreachable address is a DataError saying the download failed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const cacheDir = path.join(tmp, 'download-offline');
    const error = await loadFashionMnist({
      debianDir: nowhere,
      cacheDir,
      allowDownload: true,
      urls: [`http://127.0.0.1:${port}/`],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/download failed \(is this machine offline\?\)/);
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}/train-images-idx3-ubyte.gz`);
  });
});
