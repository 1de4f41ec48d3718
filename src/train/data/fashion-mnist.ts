/**
 * Fashion-MNIST (Zalando, MIT licence): 28x28 grey images of clothing in 10 classes, 60000 for training and
 * 10000 for testing, as four IDX files. They are looked for, in order, in a folder the caller names, in Debian's
 * `dataset-fashion-mnist` package, in a download cache (filled from the upstream addresses only when the caller
 * allows it), and finally in the 3000/1000-example subset bundled with morphlat. The loader says which it used.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataError, UsageError } from '../../errors.js';
import { ImageDataset } from './dataset.js';
import { downloadVerified } from './download.js';
import { readIdxFile } from './idx.js';
import { packageRoot } from './package-root.js';

/** Class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** The four files of the data set. */
export type FashionMnistFile = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/**
 * File names, and SHA-256 of each file's gunzipped content. The hashes were computed from Debian's package
 * (whose content is upstream's; its .gz wrappers differ from upstream's only in the gzip header), so they
 * check a download from any mirror whatever its compression.
 */
export const FASHION_MNIST_FILES: Readonly<Record<FashionMnistFile, { name: string; sha256: string }>> = {
  trainImages: {
    name: 'train-images-idx3-ubyte.gz',
    sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  },
  trainLabels: {
    name: 'train-labels-idx1-ubyte.gz',
    sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  },
  testImages: {
    name: 't10k-images-idx3-ubyte.gz',
    sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  },
  testLabels: {
    name: 't10k-labels-idx1-ubyte.gz',
    sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
};

const FILE_KEYS = Object.keys(FASHION_MNIST_FILES) as FashionMnistFile[];

/** Upstream addresses (folders holding the four files), tried in order. */
export const FASHION_MNIST_URLS: readonly string[] = [
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
];

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** `$MORPHLAT_CACHE/fashion-mnist`, else `~/.cache/morphlat/fashion-mnist`. */
export function defaultFashionMnistCacheDir(): string {
  const root = process.env['MORPHLAT_CACHE'] ?? path.join(os.homedir(), '.cache', 'morphlat');
  return path.join(root, 'fashion-mnist');
}

/** The bundled subset's folder, inside the package. */
export function bundledFashionMnistDir(): string {
  return path.join(packageRoot(), 'data', 'fashion-mnist-subset');
}

/** Where the files came from. */
export type FashionMnistSourceKind = 'dir' | 'debian' | 'cache' | 'download' | 'subset';

/** The source a load used. */
export interface FashionMnistSource {
  readonly kind: FashionMnistSourceKind;
  readonly dir: string;
  /** One line for the user, e.g. "Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)". */
  readonly description: string;
}

/** Where to look and what to keep. */
export interface FashionMnistOptions {
  /** A folder holding the four files; when given, nothing else is tried. */
  readonly dataDir?: string;
  /** Use only this source (default 'auto': the order in the module comment). 'cache' downloads if allowed. */
  readonly source?: 'auto' | 'debian' | 'cache' | 'subset';
  /** Let the cache be filled from the upstream addresses (default false). */
  readonly allowDownload?: boolean;
  /** Default `defaultFashionMnistCacheDir()`. */
  readonly cacheDir?: string;
  /** Default `DEBIAN_FASHION_MNIST_DIR`. */
  readonly debianDir?: string;
  /** Default `FASHION_MNIST_URLS`. */
  readonly urls?: readonly string[];
  /** Replaces expected SHA-256s of gunzipped content (for mirrors of other versions). */
  readonly checksums?: Partial<Record<FashionMnistFile, string>>;
  /** Keep only the first this-many training examples (applied before the validation split). */
  readonly trainLimit?: number;
  /** Keep only the first this-many test examples. */
  readonly testLimit?: number;
  /** Hold out this fraction (in (0, 1)) or number of training examples as a validation set. */
  readonly validationSplit?: number;
  /** Seed of the validation split (default 0). */
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

/** The loaded data set. */
export interface FashionMnist {
  readonly train: ImageDataset;
  /** Present when `validationSplit` was given. */
  readonly validation?: ImageDataset;
  readonly test: ImageDataset;
  readonly source: FashionMnistSource;
}

function hasAllFiles(dir: string): boolean {
  return FILE_KEYS.every((key) => existsSync(path.join(dir, FASHION_MNIST_FILES[key].name)));
}

async function fillCache(dir: string, options: FashionMnistOptions): Promise<void> {
  const urls = options.urls ?? FASHION_MNIST_URLS;
  for (const key of FILE_KEYS) {
    const { name, sha256 } = FASHION_MNIST_FILES[key];
    const dest = path.join(dir, name);
    if (existsSync(dest)) continue;
    await downloadVerified({
      urls: urls.map((base) => new URL(name, base.endsWith('/') ? base : `${base}/`).href),
      dest,
      sha256: options.checksums?.[key] ?? sha256,
      hashDecompressed: true,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }
}

/**
 * Finds (and, for the cache with `allowDownload`, fills) the folder to load from, following the order in the
 * module comment. Throws DataError when a named folder lacks files or a download fails.
 */
export async function locateFashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnistSource> {
  const files = FILE_KEYS.map((key) => FASHION_MNIST_FILES[key].name).join(', ');
  if (options.dataDir !== undefined) {
    const dir = path.resolve(options.dataDir);
    if (!hasAllFiles(dir)) throw new DataError(`${dir}: expected the Fashion-MNIST files ${files}`);
    return { kind: 'dir', dir, description: `folder ${dir}` };
  }
  const want = options.source ?? 'auto';
  if (want === 'auto' || want === 'debian') {
    const dir = options.debianDir ?? DEBIAN_FASHION_MNIST_DIR;
    if (hasAllFiles(dir)) {
      return { kind: 'debian', dir, description: `Debian package dataset-fashion-mnist (${dir})` };
    }
    if (want === 'debian') {
      throw new DataError(`${dir}: Fashion-MNIST not found; install Debian's dataset-fashion-mnist package`);
    }
  }
  if (want === 'auto' || want === 'cache') {
    const dir = options.cacheDir ?? defaultFashionMnistCacheDir();
    if (hasAllFiles(dir)) return { kind: 'cache', dir, description: `download cache ${dir}` };
    if (options.allowDownload === true) {
      await fillCache(dir, options);
      return { kind: 'download', dir, description: `downloaded into ${dir}` };
    }
    if (want === 'cache') {
      throw new DataError(`${dir}: Fashion-MNIST not in the cache, and downloading was not allowed`);
    }
  }
  const dir = bundledFashionMnistDir();
  if (!hasAllFiles(dir)) throw new DataError(`${dir}: the bundled Fashion-MNIST subset is missing`);
  return { kind: 'subset', dir, description: `bundled subset (${dir})` };
}

async function readSplit(dir: string, images: FashionMnistFile, labels: FashionMnistFile): Promise<ImageDataset> {
  const imageFile = path.join(dir, FASHION_MNIST_FILES[images].name);
  const labelFile = path.join(dir, FASHION_MNIST_FILES[labels].name);
  const [x, y] = await Promise.all([readIdxFile(imageFile, { rank: 3 }), readIdxFile(labelFile, { rank: 1 })]);
  const [n, h, w] = x.shape as [number, number, number];
  if (h !== 28 || w !== 28) throw new DataError(`${imageFile}: images are ${h}x${w}, not 28x28`);
  if (y.shape[0] !== n) {
    throw new DataError(`${labelFile}: holds ${y.shape[0]} labels but ${imageFile} holds ${n} images`);
  }
  const bad = y.data.findIndex((label) => label >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) throw new DataError(`${labelFile}: label ${y.data[bad]} of example ${bad} is not in 0..9`);
  return new ImageDataset(x.data, y.data, [28, 28, 1], FASHION_MNIST_CLASSES.length, { description: imageFile, classNames: FASHION_MNIST_CLASSES });
}

/** Reads the four files of one folder. */
export async function readFashionMnistDir(dir: string): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const [train, test] = await Promise.all([
    readSplit(dir, 'trainImages', 'trainLabels'),
    readSplit(dir, 'testImages', 'testLabels'),
  ]);
  return { train, test };
}

function checkLimit(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
    throw new UsageError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** Locates (see `locateFashionMnist`), reads and checks Fashion-MNIST, then applies limits and the split. */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnist> {
  checkLimit('trainLimit', options.trainLimit);
  checkLimit('testLimit', options.testLimit);
  const source = await locateFashionMnist(options);
  const read = await readFashionMnistDir(source.dir);
  let train = options.trainLimit === undefined ? read.train : read.train.take(options.trainLimit);
  const test = options.testLimit === undefined ? read.test : read.test.take(options.testLimit);
  if (options.validationSplit === undefined) return { train, test, source };
  const split = train.split(options.validationSplit, options.seed ?? 0);
  train = split.train;
  return { train, validation: split.validation, test, source };
}
