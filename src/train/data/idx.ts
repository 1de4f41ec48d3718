/**
 * The IDX file format of (Fashion-)MNIST: a magic number naming the element type and the number of dimensions,
 * one big-endian uint32 per dimension, then the elements. Files may be gzip-compressed (told apart by content).
 * Only unsigned-byte payloads are decoded; every defect is reported as one DataError naming the file.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzipSync } from 'node:zlib';
import { DataError } from '../../errors.js';

const gunzip = promisify(gunzipCallback);

const UNSIGNED_BYTE = 0x08;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** An IDX array of unsigned bytes: its shape and its elements in row-major order. */
export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** What the caller expects of a file; anything else is a DataError. */
export interface IdxExpectation {
  /** Number of dimensions: 1 for idx1 (labels), 3 for idx3 (images). */
  readonly rank?: number;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * Decodes IDX bytes (already decompressed). `file` only names the source in error messages.
 * The returned `data` is a view into `bytes`.
 */
export function parseIdx(bytes: Uint8Array, file: string, expect: IdxExpectation = {}): IdxArray {
  const fail = (problem: string): never => {
    throw new DataError(`${file}: ${problem}`);
  };
  if (bytes.length < 4) {
    fail(`truncated: ${bytes.length} bytes, too short for an IDX header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = view.getUint8(2);
  const rank = view.getUint8(3);
  if (magic >>> 16 !== 0) {
    fail(
      `wrong magic number 0x${magic.toString(16).padStart(8, '0')}: ` +
        'an IDX file starts with two zero bytes, a type code and a dimension count',
    );
  }
  if (type !== UNSIGNED_BYTE) {
    const name = TYPE_NAMES[type];
    fail(
      name === undefined
        ? `unknown IDX element type code ${hex(type)}`
        : `IDX element type ${hex(type)} (${name}) is not supported; expected ${hex(UNSIGNED_BYTE)} (unsigned byte)`,
    );
  }
  if (rank === 0) {
    fail('IDX header declares 0 dimensions');
  }
  if (expect.rank !== undefined && rank !== expect.rank) {
    fail(`expected an idx${expect.rank} file (${expect.rank} dimensions) but the header declares ${rank}`);
  }
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    fail(`truncated: ${bytes.length} bytes, too short for the header of ${rank} dimensions (${headerLength} bytes)`);
  }
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    shape.push(view.getUint32(4 + 4 * d, false));
  }
  const expected = shape.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerLength;
  if (found !== expected) {
    fail(
      `${found < expected ? 'truncated' : 'too long'}: ` +
        `header says ${shape.join('x')} (${expected} bytes) but found ${found}`,
    );
  }
  return { shape, data: bytes.subarray(headerLength) };
}

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Returns `bytes` decompressed when they are gzip, unchanged otherwise; a corrupt gzip stream is a DataError. */
export async function maybeGunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(await gunzip(bytes));
  } catch (e) {
    throw new DataError(`${file}: not a valid gzip file: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads an IDX file, gzip-compressed or raw, and checks it (see `parseIdx`). */
export async function readIdxFile(file: string, expect: IdxExpectation = {}): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new DataError(`${file}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  return parseIdx(await maybeGunzip(bytes, file), file, expect);
}

/** Encodes unsigned bytes of the given shape as an IDX file, gzip-compressed when `gzip` is true. */
export function encodeIdx(shape: readonly number[], data: Uint8Array, options: { gzip?: boolean } = {}): Uint8Array {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new DataError(`IDX encode: shape ${shape.join('x')} needs ${expected} bytes, got ${data.length}`);
  }
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = shape.length;
  shape.forEach((dim, d) => view.setUint32(4 + 4 * d, dim, false));
  out.set(data, 4 + 4 * shape.length);
  return options.gzip === true ? new Uint8Array(gzipSync(out, { level: 9 })) : out;
}
