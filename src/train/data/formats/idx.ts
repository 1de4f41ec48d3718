/**
 * IDX files as a `--data` format: an images file (idx3: [n, height, width], or idx4: [n, height, width,
 * channels], unsigned bytes, optionally gzipped) and its labels file (idx1: [n] class indices). The labels
 * file is found beside the images file by name (`images` → `labels`, `idx3`/`idx4` → `idx1`) unless named.
 * A folder holding `train-images-…` (and optionally `t10k-images-…` or `test-images-…`) reads as its splits.
 */
import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../../errors.js';
import { ImageDataset } from '../dataset.js';
import { readIdxFile } from '../idx.js';
import { splitForValidation } from './splits.js';
import type { DataExpectation, DataFormat } from './types.js';

const IMAGES_FILE = /images.*idx[34]-ubyte(\.gz)?$|images.*\.idx[34](\.gz)?$/i;
const IDX_FILE = /idx[1-4]-ubyte(\.gz)?$|\.idx[1-4](\.gz)?$/i;

/** The labels file that goes with an images file: `images` → `labels`, `idx3`/`idx4` → `idx1`, in its name. */
export function labelsFileFor(imagesFile: string): string {
  const name = path.basename(imagesFile).replace(/images/i, 'labels').replace(/idx[34]/i, 'idx1');
  return path.join(path.dirname(imagesFile), name);
}

async function imageFilesIn(dir: string): Promise<{ train: string; test?: string }> {
  const names = (await fs.readdir(dir)).filter((n) => IMAGES_FILE.test(n)).sort();
  const train = names.filter((n) => /^train/i.test(n));
  const test = names.filter((n) => /^(t10k|test)/i.test(n));
  const chosen = train.length === 1 ? train[0] : names.length === 1 ? names[0] : undefined;
  if (chosen === undefined) {
    throw new DataError(
      names.length === 0
        ? `${dir}: no IDX images file (…images…idx3-ubyte[.gz])`
        : `${dir}: cannot tell the training images file among ${names.join(', ')}; name it`,
    );
  }
  return { train: path.join(dir, chosen), ...(test.length === 1 && test[0] !== chosen ? { test: path.join(dir, test[0] as string) } : {}) };
}

/** The classes of IDX labels: the model's outputs (two for a single output), else one more than the largest label. */
function classCount(labels: Uint8Array, expect: DataExpectation | undefined, named: readonly string[] | undefined): number {
  if (named !== undefined) return named.length;
  if (expect !== undefined) return expect.outputUnits > 1 ? expect.outputUnits : 2;
  return labels.reduce((a, b) => Math.max(a, b), 0) + 1;
}

/** Reads one images file and its labels file as an ImageDataset; `classes` fixes the class count. */
export async function readIdxPair(
  imagesFile: string,
  labelsFile: string,
  expect: DataExpectation | undefined,
  classNames?: readonly string[],
): Promise<ImageDataset> {
  const [x, y] = await Promise.all([readIdxFile(imagesFile), readIdxFile(labelsFile, { rank: 1 })]);
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw new DataError(`${imagesFile}: an images file holds [n, height, width] or [n, height, width, channels], this one ${x.shape.join('x')}`);
  }
  const [n, h, w, c = 1] = x.shape as [number, number, number, number?];
  if (y.shape[0] !== n) throw new DataError(`${labelsFile}: holds ${y.shape[0]} labels but ${imagesFile} holds ${n} images`);
  const count = classCount(y.data, expect, classNames);
  const bad = y.data.findIndex((label) => label >= count);
  if (bad >= 0) throw new DataError(`${labelsFile}: label ${y.data[bad]} of example ${bad} is not one of the ${count} classes (0..${count - 1})`);
  return new ImageDataset(x.data, y.data, [h, w, c], count, { description: imagesFile, ...(classNames === undefined ? {} : { classNames }) });
}

export const idxFormat: DataFormat = {
  name: 'idx',
  describe: 'IDX files: an images file (idx3/idx4, optionally .gz) with its idx1 labels file, or a folder of train-/t10k- pairs',
  async matches(p) {
    const stat = statSync(p, { throwIfNoEntry: false });
    if (stat?.isFile() === true) return IDX_FILE.test(p);
    return stat?.isDirectory() === true && (await fs.readdir(p)).some((n) => IMAGES_FILE.test(n));
  },
  async load(request, expect) {
    const target = request.path ?? '';
    const isDir = statSync(target, { throwIfNoEntry: false })?.isDirectory() === true;
    const files = isDir ? await imageFilesIn(target) : { train: target };
    const labelsFile = request.labelsPath ?? labelsFileFor(files.train);
    if (!existsSync(labelsFile)) throw new DataError(`${files.train}: no labels file ${labelsFile} beside it; name the labels file`);
    const all = await readIdxPair(files.train, labelsFile, expect, request.classes);
    const read = (p: string): Promise<ImageDataset> => readIdxPair(p, labelsFileFor(p), expect, request.classes);
    const { train, validation } = await splitForValidation(all, request, read);
    const test = files.test === undefined ? undefined : await read(files.test);
    return {
      format: 'idx',
      examples: 'images',
      train,
      ...(validation === undefined ? {} : { validation }),
      ...(test === undefined ? {} : { test }),
      description: `IDX files ${files.train}, ${labelsFile}`,
    };
  },
};
