#!/usr/bin/env node
/**
 * Makes the Fashion-MNIST subset bundled in data/fashion-mnist-subset/: the first N training and first M test
 * examples of the full data set, written as gzip-compressed IDX files under the upstream file names.
 * Fashion-MNIST's files are already in a shuffled order, so the first examples are close to class-balanced.
 *
 *   node scripts/make-fashion-subset.mjs [--from DIR] [--out DIR] [--train 3000] [--test 1000]
 *
 * DIR defaults to /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist package).
 * Self-contained on purpose (no build step): it repeats the few lines of IDX handling it needs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    from: { type: 'string', default: '/usr/share/datasets/fashion-mnist' },
    out: { type: 'string', default: path.join(root, 'data', 'fashion-mnist-subset') },
    train: { type: 'string', default: '3000' },
    test: { type: 'string', default: '1000' },
  },
});

/** Reads an unsigned-byte IDX file (gzip or raw) into { shape, data }. */
function readIdx(file) {
  let bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) throw new Error(`${file}: not an unsigned-byte IDX file`);
  const rank = bytes[3];
  const shape = Array.from({ length: rank }, (_, d) => bytes.readUInt32BE(4 + 4 * d));
  const size = shape.reduce((a, b) => a * b, 1);
  const data = bytes.subarray(4 + 4 * rank);
  if (data.length !== size) throw new Error(`${file}: header says ${shape.join('x')} but found ${data.length} bytes`);
  return { shape, data };
}

/** Encodes { shape, data } as gzip-compressed IDX (node's gzip header has mtime 0: reruns give equal bytes). */
function writeIdx(file, shape, data) {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((dim, d) => header.writeUInt32BE(dim, 4 + 4 * d));
  const gz = gzipSync(Buffer.concat([header, data]), { level: 9 });
  writeFileSync(file, gz);
  return createHash('sha256').update(gz).digest('hex');
}

function firstN(prefix, n) {
  const images = readIdx(path.join(values.from, `${prefix}-images-idx3-ubyte.gz`));
  const labels = readIdx(path.join(values.from, `${prefix}-labels-idx1-ubyte.gz`));
  const [count, h, w] = images.shape;
  if (n > count) throw new Error(`asked for ${n} ${prefix} examples, the source has ${count}`);
  return {
    images: { shape: [n, h, w], data: images.data.subarray(0, n * h * w) },
    labels: { shape: [n], data: labels.data.subarray(0, n) },
  };
}

mkdirSync(values.out, { recursive: true });
const splits = [
  ['train', Number(values.train)],
  ['t10k', Number(values.test)],
];
for (const [prefix, n] of splits) {
  const { images, labels } = firstN(prefix, n);
  for (const [kind, idx, rank] of [
    ['images', images, 3],
    ['labels', labels, 1],
  ]) {
    const name = `${prefix}-${kind}-idx${rank}-ubyte.gz`;
    const sha = writeIdx(path.join(values.out, name), idx.shape, idx.data);
    console.log(`${sha}  ${name}  (${idx.shape.join('x')})`);
  }
}
