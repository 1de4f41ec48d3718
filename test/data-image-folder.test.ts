/**
 * A folder of images per class: PNG and JPEG decoded with sharp, resized to the model's input and converted
 * to its channels, classes from the sorted folder names (or as given), a validation split or folder; bad data
 * is one DataError naming the folder or the image.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { DataError } from '../src/errors.js';
import { ImageDataset } from '../src/train/data/dataset.js';
import { detectDataFormat, expectationFor, loadData } from '../src/train/data/formats/index.js';
import type { DataExpectation } from '../src/train/data/formats/index.js';
import { evaluate, train } from '../src/train/index.js';
import { CLASS_COLOURS, writeImageFolder } from './helpers/own-data.js';

let tmp: string;
let photos: string;

/** What a model taking `shape` images with `units` softmax outputs expects. */
function expecting(shape: (number | null)[], units = 3): DataExpectation {
  return { inputShape: shape, outputUnits: units, labels: 'classes' };
}

beforeAll(async () => {
  await initBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-image-folder-'));
  photos = path.join(tmp, 'photos');
  await writeImageFolder(photos, { perClass: 6 });
  await fs.mkdir(path.join(photos, 'red', 'more'));
  await fs.copyFile(path.join(photos, 'red', 'img0.png'), path.join(photos, 'red', 'more', 'nested.png'));
  await fs.writeFile(path.join(photos, 'red', 'notes.txt'), 'not an image');
  await fs.writeFile(path.join(photos, '.DS_Store'), 'hidden');
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('reading a folder of images', () => {
  test('the format is told from the folder', async () => {
    expect(await detectDataFormat(photos)).toBe('image-folder');
  });

  test('PNG and JPEG, nested folders included, other files skipped; classes are the sorted folder names', async () => {
    const data = await loadData({ path: photos }, expecting([12, 12, 3]));
    expect(data.format).toBe('image-folder');
    const train = data.train as ImageDataset;
    expect(train).toBeInstanceOf(ImageDataset);
    expect(train.size).toBe(19);
    expect(train.imageShape).toEqual([12, 12, 3]);
    expect(train.classNames).toEqual(['blue', 'green', 'red']);
    expect(train.classCounts()).toEqual([6, 6, 7]);
    expect(data.description).toBe(`19 images in 3 classes (blue, green, red) from ${photos}`);
    expect(data.validation).toBeUndefined();
  });

  test.each([
    { channels: 3, shape: [12, 12, 3] },
    { channels: 1, shape: [8, 10, 1] },
    { channels: 4, shape: [5, 5, 4] },
  ])('resized to the model input $shape: each image keeps its class colour', async ({ shape }) => {
    const data = await loadData({ path: photos }, expecting(shape));
    const images = data.train as ImageDataset;
    expect(images.imageShape).toEqual(shape);
    const per = shape.reduce((a, b) => a * b, 1);
    const c = shape[2] as number;
    const greys: Record<string, number[]> = { blue: [], green: [], red: [] };
    for (let i = 0; i < images.size; i++) {
      const name = images.classNames?.[images.labels[i] as number] as string;
      const colour = CLASS_COLOURS[name] as readonly number[];
      const pixels = images.images.subarray(i * per, (i + 1) * per);
      const mean = (channel: number) => pixels.filter((_, p) => p % c === channel).reduce((a, b) => a + b, 0) / (per / c);
      if (c === 1) greys[name]?.push(mean(0));
      else for (let k = 0; k < 3; k++) expect(Math.abs(mean(k) - (colour[k] as number))).toBeLessThan(20);
      if (c === 4) expect(mean(3)).toBe(255);
    }
    if (c === 1) {
      const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
      for (const v of Object.values(greys)) expect(spread(v)).toBeLessThan(15);
      const level = (name: string) => greys[name]?.[0] ?? Number.NaN;
      expect(level('green')).toBeGreaterThan(level('red') + 30);
      expect(level('red')).toBeGreaterThan(level('blue') + 10);
    }
  });

  test('a model with free height and width takes the images at their own size', async () => {
    const data = await loadData({ path: photos }, expecting([null, null, 3]));
    expect((data.train as ImageDataset).imageShape).toEqual([20, 30, 3]);
  });

  test('classes given in another order fix the labels', async () => {
    const data = await loadData({ path: photos, classes: ['red', 'green', 'blue'] }, expecting([6, 6, 3]));
    const images = data.train as ImageDataset;
    expect(images.classNames).toEqual(['red', 'green', 'blue']);
    expect(images.classCounts()).toEqual([7, 6, 6]);
  });

  test('a validation split holds out a seeded share; a validation folder is read with the same classes', async () => {
    const split = await loadData({ path: photos, validationSplit: 0.25, seed: 3 }, expecting([6, 6, 3]));
    expect([split.train.size, split.validation?.size]).toEqual([14, 5]);
    const again = await loadData({ path: photos, validationSplit: 0.25, seed: 3 }, expecting([6, 6, 3]));
    expect(Array.from((again.validation as ImageDataset).labels)).toEqual(Array.from((split.validation as ImageDataset).labels));

    const held = path.join(tmp, 'held');
    await writeImageFolder(held, { perClass: 2, seed: 9 });
    await fs.rm(path.join(held, 'green'), { recursive: true });
    const folder = await loadData({ path: photos, validationPath: held }, expecting([6, 6, 3]));
    const validation = folder.validation as ImageDataset;
    expect(validation.size).toBe(4);
    expect(validation.classNames).toEqual(['blue', 'green', 'red']);
    expect(Array.from(validation.labels)).toEqual([0, 0, 2, 2]);
  });

  test('a small softmax model learns the colours from the folder', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.globalAveragePooling2d({ inputShape: [8, 8, 3] }),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const data = await loadData({ path: photos }, expectationFor(model));
    const before = await evaluate(model, data.train);
    await train(model, data.train, { epochs: 40, batchSize: 8, learningRate: 0.1 });
    const after = await evaluate(model, data.train);
    expect(after.loss).toBeLessThan(before.loss);
    expect(after.task === 'classification' && after.accuracy).toBeGreaterThan(0.9);
    model.dispose();
  });
});

describe('bad image folders: one DataError naming the folder or the image', () => {
  async function folder(name: string, setup: (dir: string) => Promise<void>): Promise<string> {
    const dir = path.join(tmp, name);
    await writeImageFolder(dir, { perClass: 2, seed: 5 });
    await setup(dir);
    return dir;
  }

  test('an unreadable image', async () => {
    const dir = await folder('broken', async (d) => fs.writeFile(path.join(d, 'green', 'broken.png'), 'this is not a PNG'));
    const error = await loadData({ path: dir }, expecting([6, 6, 3])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(new RegExp(`^${path.join(dir, 'green', 'broken.png')}: cannot read as an image`));
  });

  test('a folder that is not one of the given classes', async () => {
    const error = await loadData({ path: photos, classes: ['blue', 'green'] }, expecting([6, 6, 3])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(`${path.join(photos, 'red')}: folder \`red\` is not one of the classes blue, green`);
  });

  test('a validation folder with a class the training folder lacks', async () => {
    const held = await folder('held-extra', async (d) => fs.rename(path.join(d, 'blue'), path.join(d, 'purple')));
    const error = await loadData({ path: photos, validationPath: held }, expecting([6, 6, 3])).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`${path.join(held, 'purple')}: folder \`purple\` is not one of the classes blue, green, red`);
  });

  test('a class folder without images', async () => {
    const dir = await folder('empty-class', async (d) => {
      await fs.mkdir(path.join(d, 'white'));
      await fs.writeFile(path.join(d, 'white', 'readme.txt'), 'none yet');
    });
    const error = await loadData({ path: dir }, expecting([6, 6, 3])).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`^${path.join(dir, 'white')}: no images \\(\\.png, \\.jpg`));
  });

  test('a folder without class sub-folders is not told apart as images', async () => {
    const dir = path.join(tmp, 'flat');
    await fs.mkdir(dir);
    await fs.copyFile(path.join(photos, 'red', 'img0.png'), path.join(dir, 'a.png'));
    await expect(detectDataFormat(dir)).rejects.toThrow(`${dir}: cannot tell its format`);
    await expect(loadData({ path: dir, format: 'image-folder' }, expecting([6, 6, 3]))).rejects.toThrow(`${dir}: no class sub-folders`);
  });

  test.each([
    { split: 0.01, empty: 'validation' },
    { split: 0.99, empty: 'training' },
  ])('a validation split of $split leaves no $empty examples', async ({ split, empty }) => {
    const error = await loadData({ path: photos, validationSplit: split }, expecting([6, 6, 3])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(`${photos}: a validation split of ${split} leaves no ${empty} examples (of 19)`);
  });

  test('a model that does not take images', async () => {
    await expect(loadData({ path: photos }, expecting([12]))).rejects.toThrow(`${photos}: a folder of images needs a model that takes images (height x width x channels), this one takes 12`);
  });

  test('more classes than the model has outputs', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [4, 4, 3] }), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
    const data = await loadData({ path: photos }, expectationFor(model));
    await expect(train(model, data.train, { steps: 1 })).rejects.toThrow(`train: the model has 2 outputs but the labels have 3 classes (${photos})`);
    model.dispose();
  });
});
