/**
 * IDX files as a data format: an images file with its labels file found beside it by name (or named), a
 * folder of train-/t10k- pairs read as training and test splits, colour images in idx4; bad pairs are one
 * DataError naming the file.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { DataError } from '../src/errors.js';
import { ImageDataset } from '../src/train/data/dataset.js';
import { detectDataFormat, labelsFileFor, loadData } from '../src/train/data/formats/index.js';
import type { DataExpectation } from '../src/train/data/formats/index.js';
import { encodeIdx } from '../src/train/data/idx.js';

let tmp: string;
const grey: DataExpectation = { inputShape: [2, 3, 1], outputUnits: 4, labels: 'classes' };

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(tmp, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
  return file;
}

/** `n` 2x3 images whose pixels are their index, labelled `i % 4`. */
function pair(n: number): { images: Uint8Array; labels: Uint8Array } {
  return { images: Uint8Array.from({ length: n * 6 }, (_, i) => Math.floor(i / 6)), labels: Uint8Array.from({ length: n }, (_, i) => i % 4) };
}

beforeAll(async () => {
  await initBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-idx-files-'));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('reading IDX files', () => {
  test('the labels file is found beside the images file by name', () => {
    expect(labelsFileFor('/d/train-images-idx3-ubyte.gz')).toBe('/d/train-labels-idx1-ubyte.gz');
    expect(labelsFileFor('/d/my-images.idx4')).toBe('/d/my-labels.idx1');
  });

  test.each([{ gzip: false }, { gzip: true }])('an images file and its labels (gzip $gzip)', async ({ gzip }) => {
    const { images, labels } = pair(10);
    const ext = gzip ? '.gz' : '';
    const imagesFile = await write(`g${gzip}/digits-images-idx3-ubyte${ext}`, encodeIdx([10, 2, 3], images, { gzip }));
    await write(`g${gzip}/digits-labels-idx1-ubyte${ext}`, encodeIdx([10], labels, { gzip }));
    expect(await detectDataFormat(imagesFile)).toBe('idx');
    const data = await loadData({ path: imagesFile, validationSplit: 0.2 }, grey);
    expect(data.format).toBe('idx');
    const train = data.train as ImageDataset;
    expect(train.imageShape).toEqual([2, 3, 1]);
    expect(train.numClasses).toBe(4);
    expect([train.size, data.validation?.size]).toEqual([8, 2]);
    const all = [...Array.from(train.labels), ...Array.from((data.validation as ImageDataset).labels)].sort();
    expect(all).toEqual(Array.from(labels).sort());
    for (let i = 0; i < train.size; i++) expect(train.images[i * 6]).toBe(train.images[i * 6 + 5]);
  });

  test('a named labels file; colour images in idx4', async () => {
    const imagesFile = await write('colour/pictures.idx4', encodeIdx([3, 2, 2, 3], Uint8Array.from({ length: 36 }, (_, i) => i)));
    const labelsFile = await write('colour/classes.bin', encodeIdx([3], Uint8Array.of(0, 1, 0)));
    const data = await loadData({ path: imagesFile, labelsPath: labelsFile, format: 'idx' }, { inputShape: [2, 2, 3], outputUnits: 2, labels: 'classes' });
    expect((data.train as ImageDataset).imageShape).toEqual([2, 2, 3]);
    expect(Array.from((data.train as ImageDataset).labels)).toEqual([0, 1, 0]);
  });

  test('a folder of train- and t10k- pairs reads as training and test data', async () => {
    const a = pair(6);
    const b = pair(3);
    await write('folder/train-images-idx3-ubyte', encodeIdx([6, 2, 3], a.images));
    await write('folder/train-labels-idx1-ubyte', encodeIdx([6], a.labels));
    await write('folder/t10k-images-idx3-ubyte', encodeIdx([3, 2, 3], b.images));
    await write('folder/t10k-labels-idx1-ubyte', encodeIdx([3], b.labels));
    const dir = path.join(tmp, 'folder');
    expect(await detectDataFormat(dir)).toBe('idx');
    const data = await loadData({ path: dir }, grey);
    expect([data.train.size, data.test?.size]).toEqual([6, 3]);
    expect(data.description).toBe(`IDX files ${path.join(dir, 'train-images-idx3-ubyte')}, ${path.join(dir, 'train-labels-idx1-ubyte')}`);
  });
});

describe('bad IDX pairs: one DataError naming the file', () => {
  test('no labels file beside the images', async () => {
    const imagesFile = await write('lonely/x-images-idx3-ubyte', encodeIdx([1, 2, 3], new Uint8Array(6)));
    const error = await loadData({ path: imagesFile }, grey).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(`${imagesFile}: no labels file ${path.join(tmp, 'lonely', 'x-labels-idx1-ubyte')} beside it; name the labels file`);
  });

  test('a label outside the model\'s classes', async () => {
    const imagesFile = await write('range/x-images-idx3-ubyte', encodeIdx([2, 2, 3], new Uint8Array(12)));
    const labelsFile = await write('range/x-labels-idx1-ubyte', encodeIdx([2], Uint8Array.of(1, 9)));
    await expect(loadData({ path: imagesFile }, grey)).rejects.toThrow(`${labelsFile}: label 9 of example 1 is not one of the 4 classes (0..3)`);
  });

  test('fewer labels than images', async () => {
    const imagesFile = await write('count/x-images-idx3-ubyte', encodeIdx([3, 2, 3], new Uint8Array(18)));
    const labelsFile = await write('count/x-labels-idx1-ubyte', encodeIdx([2], Uint8Array.of(1, 2)));
    await expect(loadData({ path: imagesFile }, grey)).rejects.toThrow(`${labelsFile}: holds 2 labels but ${imagesFile} holds 3 images`);
  });

  test('an images file of the wrong rank', async () => {
    const imagesFile = await write('rank/x-images-idx3-ubyte', encodeIdx([6], new Uint8Array(6)));
    await write('rank/x-labels-idx1-ubyte', encodeIdx([6], new Uint8Array(6)));
    await expect(loadData({ path: imagesFile }, grey)).rejects.toThrow(`${imagesFile}: an images file holds [n, height, width] or [n, height, width, channels], this one 6`);
  });
});
