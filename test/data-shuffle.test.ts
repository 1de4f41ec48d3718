import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { UsageError } from '../src/errors.js';
import { ImageDataset } from '../src/train/data/dataset.js';
import { deriveSeed, mulberry32, permutation } from '../src/util/random.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function draw(seed: number, n: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, random);
}

/** 20 one-pixel 2x1 images whose pixels encode the example number, labels cycling 0..4. */
function numbered(n = 20): ImageDataset {
  const images = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    images[2 * i] = i;
    images[2 * i + 1] = 255 - i;
  }
  return new ImageDataset(images, Uint8Array.from({ length: n }, (_, i) => i % 5), [2, 1, 1], 5);
}

function exampleOrder(dataset: ImageDataset, seed: number, batchSize: number): number[] {
  const order: number[] = [];
  for (const batch of dataset.batches({ batchSize, shuffle: true, seed })) {
    const pixels = batch.xs.dataSync();
    for (let k = 0; k < batch.size; k++) order.push(Math.round((pixels[2 * k] as number) * 255));
    tf.dispose([batch.xs, batch.ys]);
  }
  return order;
}

describe('mulberry32', () => {
  test('equal seeds give equal sequences in [0, 1)', () => {
    const a = draw(42, 1000);
    expect(draw(42, 1000)).toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  test.each([
    [1, 2],
    [0, 1],
    [42, 43],
  ])('seeds %i and %i give different sequences', (s1, s2) => {
    expect(draw(s1, 10)).not.toEqual(draw(s2, 10));
  });

  test('derived seeds differ by part and are reproducible', () => {
    expect(deriveSeed(7, 0)).toBe(deriveSeed(7, 0));
    expect(new Set([deriveSeed(7, 0), deriveSeed(7, 1), deriveSeed(8, 0), deriveSeed(7)]).size).toBe(4);
  });
});

describe('permutation', () => {
  test.each([0, 1, 2, 17, 1000])('of %i elements holds each index once', (n) => {
    const p = Array.from(permutation(n, 3));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  test('is reproducible and differs across seeds', () => {
    expect(Array.from(permutation(100, 5))).toEqual(Array.from(permutation(100, 5)));
    expect(Array.from(permutation(100, 5))).not.toEqual(Array.from(permutation(100, 6)));
  });
});

describe('ImageDataset batches', () => {
  test('without shuffle, file order in batches of the given size, the last one smaller', () => {
    const dataset = numbered(20);
    const sizes: number[] = [];
    for (const batch of dataset.batches({ batchSize: 8 })) {
      sizes.push(batch.size);
      expect(batch.xs.shape).toEqual([batch.size, 2, 1, 1]);
      expect(batch.ys.shape).toEqual([batch.size, 5]);
      tf.dispose([batch.xs, batch.ys]);
    }
    expect(sizes).toEqual([8, 8, 4]);
    const all = dataset.toTensors();
    expect(Array.from(all.xs.dataSync()).filter((_, i) => i % 2 === 0).map((x) => Math.round(x * 255))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    tf.dispose([all.xs, all.ys]);
  });

  test('pixels are float32 in [0, 1]; one-hot and index labels agree', () => {
    const dataset = numbered(10);
    const [oneHot] = dataset.batches({ batchSize: 10 });
    const [index] = dataset.batches({ batchSize: 10, labels: 'index' });
    if (oneHot === undefined || index === undefined) throw new Error('no batch');
    expect(oneHot.xs.dtype).toBe('float32');
    const pixels = Array.from(oneHot.xs.dataSync());
    expect(Math.min(...pixels)).toBe(0);
    expect(Math.max(...pixels)).toBe(1);
    expect(index.ys.dtype).toBe('int32');
    const rows = oneHot.ys.arraySync() as number[][];
    expect(rows.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(new Array(10).fill(1));
    expect(Array.from(index.ys.dataSync())).toEqual(rows.map((row) => row.indexOf(1)));
    expect(Array.from(index.ys.dataSync())).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    tf.dispose([oneHot.xs, oneHot.ys, index.xs, index.ys]);
  });

  test('dropRemainder leaves out the short last batch', () => {
    const sizes = [...numbered(20).batches({ batchSize: 8, dropRemainder: true })].map((b) => {
      tf.dispose([b.xs, b.ys]);
      return b.size;
    });
    expect(sizes).toEqual([8, 8]);
  });

  test('seeded shuffling is reproducible, visits every example once, and differs across seeds', () => {
    const dataset = numbered(20);
    const a = exampleOrder(dataset, 11, 6);
    expect(exampleOrder(dataset, 11, 6)).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(exampleOrder(dataset, 12, 6)).not.toEqual(a);
    expect(a).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  test('a bad batch size is a UsageError', () => {
    expect(() => numbered().batches({ batchSize: 0 }).next()).toThrow(UsageError);
  });
});

describe('ImageDataset take, split, shuffled', () => {
  test('take keeps the first examples', () => {
    const dataset = numbered(20);
    expect(dataset.take(5).size).toBe(5);
    expect(Array.from(dataset.take(5).labels)).toEqual([0, 1, 2, 3, 4]);
    expect(dataset.take(100).size).toBe(20);
  });

  test.each([
    { validation: 0.25, trainSize: 15, validationSize: 5 },
    { validation: 4, trainSize: 16, validationSize: 4 },
    { validation: 0.0, trainSize: 20, validationSize: 0 },
  ])('split($validation) keeps $trainSize for training, $validationSize for validation', ({ validation, trainSize, validationSize }) => {
    const dataset = numbered(20);
    const split = dataset.split(validation, 9);
    expect(split.train.size).toBe(trainSize);
    expect(split.validation.size).toBe(validationSize);
    const ids = [...split.train.images, ...split.validation.images].filter((_, i) => i % 2 === 0);
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(dataset.split(validation, 9).validation.images)).toEqual(Array.from(split.validation.images));
  });

  test.each([-1, 1.5, 21])('split(%d) is a UsageError', (validation) => {
    expect(() => numbered(20).split(validation)).toThrow(UsageError);
  });

  test('shuffled keeps each image with its label', () => {
    const shuffled = numbered(20).shuffled(4);
    for (let i = 0; i < shuffled.size; i++) {
      expect(shuffled.labels[i]).toBe((shuffled.images[2 * i] as number) % 5);
    }
    expect(Array.from(shuffled.images.filter((_, i) => i % 2 === 0))).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
