// Writes Fashion-MNIST's first TRAIN_LIMIT training images and labels and all test ones, as the data set's own
// gzipped IDX files, into OUT_DIR: what `--train-limit TRAIN_LIMIT` reads, small enough to carry to a device machine.
// Usage: node fashion-subset.mjs OUT_DIR [TRAIN_LIMIT=12000] [FROM=/usr/share/datasets/fashion-mnist]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const [out, limitArg = '12000', from = '/usr/share/datasets/fashion-mnist'] = process.argv.slice(2);
if (out === undefined) throw new Error('usage: node fashion-subset.mjs OUT_DIR [TRAIN_LIMIT] [FROM]');
const limit = Number(limitArg);
mkdirSync(out, { recursive: true });
for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
  const idx = gunzipSync(readFileSync(path.join(from, `${name}.gz`)));
  const dims = idx[3];
  const shape = Array.from({ length: dims }, (_, i) => idx.readUInt32BE(4 + 4 * i));
  const count = name.startsWith('train') ? Math.min(limit, shape[0]) : shape[0];
  const header = Buffer.from(idx.subarray(0, 4 + 4 * dims));
  header.writeUInt32BE(count, 4);
  const itemBytes = shape.slice(1).reduce((a, b) => a * b, 1);
  const body = idx.subarray(header.length, header.length + count * itemBytes);
  writeFileSync(path.join(out, `${name}.gz`), gzipSync(Buffer.concat([header, body])));
}
