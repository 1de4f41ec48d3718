import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError } from '../src/errors.js';
import { encodeIdx, readIdxFile } from '../src/train/data/idx.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

const images = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
const labels = Uint8Array.from([3, 1, 4, 1, 5]);

describe('readIdxFile on good files', () => {
  test.each([
    { name: 'images raw', file: 'a-idx3-ubyte', shape: [2, 3, 4], data: images, gzip: false },
    { name: 'images gz', file: 'a-idx3-ubyte.gz', shape: [2, 3, 4], data: images, gzip: true },
    { name: 'labels raw', file: 'b-idx1-ubyte', shape: [5], data: labels, gzip: false },
    { name: 'labels gz', file: 'b-idx1-ubyte.gz', shape: [5], data: labels, gzip: true },
  ])('$name', async ({ file, shape, data, gzip }) => {
    const written = write(file, encodeIdx(shape, data, { gzip }));
    const idx = await readIdxFile(written, { rank: shape.length });
    expect(idx.shape).toEqual(shape);
    expect(Array.from(idx.data)).toEqual(Array.from(data));
  });
});

function header(type: number, dims: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

const goodImages = encodeIdx([2, 3, 4], images);

describe('readIdxFile on bad files raises one DataError naming the file and the defect', () => {
  test.each([
    {
      name: 'truncated payload (raw)',
      file: 'train-images-idx3-ubyte',
      bytes: goodImages.subarray(0, goodImages.length - 5),
      message: 'truncated: header says 2x3x4 (24 bytes) but found 19',
    },
    {
      name: 'truncated payload (gz)',
      file: 'train-images-idx3-ubyte.gz',
      bytes: new Uint8Array(gzipSync(goodImages.subarray(0, 20))),
      message: 'truncated: header says 2x3x4 (24 bytes) but found 4',
    },
    {
      name: 'truncated gzip stream',
      file: 'cut-idx3-ubyte.gz',
      bytes: new Uint8Array(gzipSync(goodImages)).subarray(0, 30),
      message: 'not a valid gzip file',
    },
    {
      name: 'extra bytes',
      file: 'long-idx3-ubyte',
      bytes: concat(goodImages, Uint8Array.of(1, 2)),
      message: 'too long: header says 2x3x4 (24 bytes) but found 26',
    },
    {
      name: 'wrong magic',
      file: 'magic-idx3-ubyte',
      bytes: concat(Uint8Array.of(0x12, 0x34), goodImages.subarray(2)),
      message: 'wrong magic number 0x12340803',
    },
    {
      name: 'unsupported element type',
      file: 'float-idx3-ubyte',
      bytes: concat(header(0x0d, [1, 1, 1]), new Uint8Array(4)),
      message: 'IDX element type 0x0d (float32) is not supported',
    },
    {
      name: 'unknown element type',
      file: 'odd-idx3-ubyte',
      bytes: concat(header(0x42, [1, 1, 1]), new Uint8Array(1)),
      message: 'unknown IDX element type code 0x42',
    },
    {
      name: 'wrong dimension count',
      file: 'rank-idx3-ubyte',
      bytes: encodeIdx([24], images),
      message: 'expected an idx3 file (3 dimensions) but the header declares 1',
    },
    {
      name: 'header cut short',
      file: 'short-idx3-ubyte',
      bytes: goodImages.subarray(0, 9),
      message: 'too short for the header of 3 dimensions (16 bytes)',
    },
    {
      name: 'empty file',
      file: 'empty-idx3-ubyte',
      bytes: new Uint8Array(0),
      message: 'truncated: 0 bytes',
    },
  ])('$name', async ({ file, bytes, message }) => {
    const written = write(file, bytes);
    const error = await readIdxFile(written, { rank: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain(`${written}: `);
    expect((error as DataError).message).toContain(message);
  });

  test('missing file', async () => {
    const missing = path.join(dir, 'nope-idx1-ubyte.gz');
    await expect(readIdxFile(missing)).rejects.toThrow(new RegExp(`^${missing}: cannot read`));
  });
});
