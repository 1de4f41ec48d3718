/**
 * CSV of numeric features with a label column: columns by header name or number, labels read as class names,
 * class indices or regression targets as the model says, features filling the model's input; bad data is one
 * DataError naming the file and the line.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { DataError } from '../src/errors.js';
import { FeatureDataset } from '../src/train/data/features.js';
import { detectDataFormat, expectationFor, loadData } from '../src/train/data/formats/index.js';
import type { DataExpectation } from '../src/train/data/formats/index.js';

let tmp: string;

async function csv(name: string, text: string): Promise<string> {
  const file = path.join(tmp, name);
  await fs.writeFile(file, text);
  return file;
}

function dense(inputs: number, units: number, activation: 'softmax' | 'sigmoid' | 'linear'): tfl.LayersModel {
  return tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [inputs], units, activation })] });
}

const IRIS = ['sepal,petal,width,species', '5.1,1.4,0.2,setosa', '7.0,4.7,1.4,versicolor', '6.3,6.0,2.5,virginica', '4.9,1.5,0.1,setosa', ''].join('\n');

beforeAll(async () => {
  await initBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-csv-'));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('reading CSV files', () => {
  test('class names in the last column: sorted classes, features in column order', async () => {
    const file = await csv('iris.csv', IRIS);
    expect(await detectDataFormat(file)).toBe('csv');
    const data = await loadData({ path: file }, expectationFor(dense(3, 3, 'softmax')));
    const rows = data.train as FeatureDataset;
    expect(rows).toBeInstanceOf(FeatureDataset);
    expect(rows.inputShape).toEqual([3]);
    expect(Array.from(rows.features)).toEqual(Array.from(Float32Array.from([5.1, 1.4, 0.2, 7.0, 4.7, 1.4, 6.3, 6.0, 2.5, 4.9, 1.5, 0.1])));
    expect(rows.labels).toMatchObject({ kind: 'classes', count: 3, names: ['setosa', 'versicolor', 'virginica'] });
    expect(rows.labels.kind === 'classes' && Array.from(rows.labels.indices)).toEqual([0, 1, 2, 0]);
    expect(data.description).toBe(`4 rows of 3 features and classes setosa, versicolor, virginica from ${file}`);
  });

  test('a label column by name, anywhere; or by number in a file without a header', async () => {
    const named = await csv('named.csv', 'label,a,b\n1,0.5,2\n0,1.5,3\n');
    const byName = (await loadData({ path: named }, expectationFor(dense(2, 2, 'softmax')))).train as FeatureDataset;
    expect(Array.from(byName.features)).toEqual([0.5, 2, 1.5, 3]);
    expect(byName.labels.kind === 'classes' && Array.from(byName.labels.indices)).toEqual([1, 0]);

    const bare = await csv('bare.csv', '0.5,7,2\n1.5,8,3\n');
    const byNumber = (await loadData({ path: bare, header: false, labelColumn: '1' }, expectationFor(dense(2, 1, 'linear')))).train as FeatureDataset;
    expect(Array.from(byNumber.features)).toEqual([0.5, 2, 1.5, 3]);
    expect(byNumber.labels).toMatchObject({ kind: 'values', width: 1 });
    expect(byNumber.labels.kind === 'values' && Array.from(byNumber.labels.values)).toEqual([7, 8]);
  });

  test.each([
    { name: 'a softmax model', model: () => dense(2, 3, 'softmax'), kind: 'classes' },
    { name: 'a sigmoid model (binary)', model: () => dense(2, 1, 'sigmoid'), kind: 'classes' },
    { name: 'a linear model with several outputs (logits)', model: () => dense(2, 3, 'linear'), kind: 'classes' },
    { name: 'a linear model with one output (regression)', model: () => dense(2, 1, 'linear'), kind: 'values' },
  ])('whole-number labels are classes or targets as the model says: $name', async ({ model, kind }) => {
    const file = await csv(`numbers-${kind}-${Math.random()}.csv`, 'x,y,label\n1,2,0\n3,4,1\n5,6,1\n');
    const rows = (await loadData({ path: file }, expectationFor(model()))).train as FeatureDataset;
    expect(rows.labels.kind).toBe(kind);
  });

  test('--loss mse reads numeric labels as targets even for a softmax model', async () => {
    const file = await csv('targets.csv', 'x,y,price\n1,2,10.5\n3,4,20.25\n');
    const rows = (await loadData({ path: file, labelColumn: 'price' }, expectationFor(dense(2, 1, 'linear'), 'mse'))).train as FeatureDataset;
    expect(rows.labels.kind === 'values' && Array.from(rows.labels.values)).toEqual([10.5, 20.25]);
  });

  test('features fill an image input of as many values, row-major', async () => {
    const file = await csv('pixels.csv', 'p0,p1,p2,p3,label\n0,1,2,3,1\n4,5,6,7,0\n');
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [2, 2, 1] }), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
    const rows = (await loadData({ path: file }, expectationFor(model))).train as FeatureDataset;
    expect(rows.inputShape).toEqual([2, 2, 1]);
    const batch = [...rows.batches({ batchSize: 2 })][0];
    expect(batch?.xs.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(await (batch?.xs.data() ?? new Float32Array()))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    batch?.xs.dispose();
    batch?.ys.dispose();
  });

  test('a TSV file; a validation file keeps the training classes; a validation split', async () => {
    const file = await csv('table.tsv', 'a\tb\tkind\n1\t2\tcat\n3\t4\tdog\n5\t6\tcat\n7\t8\tdog\n');
    const held = await csv('held.tsv', 'a\tb\tkind\n9\t9\tdog\n');
    const model = dense(2, 2, 'softmax');
    const data = await loadData({ path: file, validationPath: held }, expectationFor(model));
    const validation = data.validation as FeatureDataset;
    expect(validation.labels.kind === 'classes' && [Array.from(validation.labels.indices), validation.labels.names]).toEqual([[1], ['cat', 'dog']]);
    const split = await loadData({ path: file, validationSplit: 1 }, expectationFor(model));
    expect([split.train.size, split.validation?.size]).toEqual([3, 1]);
  });
});

describe('bad CSV files: one DataError naming the file and the line', () => {
  const softmax3: DataExpectation = { inputShape: [3], outputUnits: 3, labels: 'classes' };

  test.each([
    { name: 'a feature that is not a number', text: 'a,b,c,label\n1,2,3,x\n1,two,3,y\n', message: 'line 3, column `b`: `two` is not a number' },
    { name: 'an empty feature', text: 'a,b,c,label\n1,,3,x\n', message: 'line 2, column `b`: `` is not a number' },
    { name: 'a row with too few fields', text: 'a,b,c,label\n1,2,3,x\n1,2,y\n', message: 'line 3: 3 fields, but the header has 4' },
    { name: 'a class index outside the classes', text: 'a,b,c,label\n1,2,3,0\n1,2,3,7\n', message: 'line 3: label `7` is not one of the classes 0..2' },
    { name: 'a fractional class index', text: 'a,b,c,label\n1,2,3,0\n1,2,3,1.5\n', message: 'line 3: label `1.5` is not one of the classes 0..2' },
    { name: 'a header only', text: 'a,b,c,label\n', message: 'no rows' },
  ])('$name', async ({ text, message }) => {
    const file = await csv(`bad-${Math.random()}.csv`, text);
    const error = await loadData({ path: file }, softmax3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(`${file}: ${message}`);
  });

  test('a label not in the classes, in the validation file', async () => {
    const file = await csv('train-classes.csv', IRIS);
    const held = await csv('held-classes.csv', 'sepal,petal,width,species\n5.0,1.0,0.2,setosa\n5.5,2.5,1.0,versicolour\n');
    const error = await loadData({ path: file, validationPath: held }, softmax3).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`${held}: line 3: label \`versicolour\` is not one of the classes setosa, versicolor, virginica`);
  });

  test('a label not in the given classes', async () => {
    const file = await csv('given-classes.csv', IRIS);
    const error = await loadData({ path: file, classes: ['setosa', 'virginica', 'other'] }, softmax3).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`${file}: line 3: label \`versicolor\` is not one of the classes setosa, virginica, other`);
  });

  test('a feature count that does not match the model input', async () => {
    const file = await csv('wide.csv', 'a,b,c,d,label\n1,2,3,4,0\n');
    const error = await loadData({ path: file }, softmax3).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`${file}: 4 feature columns (a, b, c, d) but the model takes 3 inputs (3 values)`);
  });

  test('a validation file with other columns', async () => {
    const file = await csv('cols.csv', 'a,b,c,label\n1,2,3,0\n');
    const held = await csv('cols-held.csv', 'a,b,z,label\n1,2,3,0\n');
    await expect(loadData({ path: file, validationPath: held }, softmax3)).rejects.toThrow(`${held}: the columns a, b, z, label differ from the training file's a, b, c, label`);
  });

  test('a label column that is not there', async () => {
    const file = await csv('nolabel.csv', 'a,b,c,label\n1,2,3,0\n');
    await expect(loadData({ path: file, labelColumn: 'price' }, softmax3)).rejects.toThrow(`${file}: no label column \`price\`; the columns are a, b, c, label`);
  });

  test('a split that leaves no validation rows', async () => {
    const file = await csv('small.csv', IRIS);
    await expect(loadData({ path: file, validationSplit: 0.1 }, softmax3)).rejects.toThrow(`${file}: a validation split of 0.1 leaves no validation examples (of 4)`);
  });

  test('a file that is not there', async () => {
    const file = path.join(tmp, 'missing.csv');
    await expect(loadData({ path: file, format: 'csv' }, softmax3)).rejects.toThrow(`${file}: no such file or folder`);
  });
});
