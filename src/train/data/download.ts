/**
 * Fetching a data file into a cache folder: streamed to a temporary file beside the destination, checked
 * against a SHA-256, then renamed into place, so that a cache never holds a partial or wrong file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CancelledError, DataError } from '../../errors.js';
import { maybeGunzip } from './idx.js';

/** What to fetch and how to check it. */
export interface DownloadRequest {
  /** Addresses tried in order until one succeeds. */
  readonly urls: readonly string[];
  readonly dest: string;
  /**
   * Hex SHA-256 the file must have. With `hashDecompressed` it is the hash of the gunzipped content,
   * which does not depend on how (or whether) a mirror compressed the file.
   */
  readonly sha256: string;
  readonly hashDecompressed?: boolean;
  readonly signal?: AbortSignal;
  /** Gives up on one address after this long (default 120 s). */
  readonly timeoutMs?: number;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
}

async function fetchTo(url: string, tmp: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(url, { signal, redirect: 'follow' });
  if (!response.ok || response.body === null) {
    throw new Error(`HTTP ${response.status} ${response.statusText}`);
  }
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(tmp), { signal });
}

/**
 * Downloads one file to `dest` unless something goes wrong: then `dest` is left as it was and a DataError
 * names every address tried and why it failed (a CancelledError when `signal` aborted).
 */
export async function downloadVerified(request: DownloadRequest): Promise<void> {
  const { urls, dest, sha256, hashDecompressed = false, timeoutMs = 120_000 } = request;
  await mkdir(path.dirname(dest), { recursive: true });
  if (urls.length === 0) throw new DataError(`${dest}: no address to download it from`);
  const failures: string[] = [];
  for (const url of urls) {
    if (isAborted(request.signal)) throw new CancelledError(`download of ${dest} cancelled`);
    const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
    try {
      await fetchTo(url, tmp, signal);
      const bytes = await readFile(tmp);
      const content = hashDecompressed ? await maybeGunzip(bytes, url) : bytes;
      const actual = createHash('sha256').update(content).digest('hex');
      if (actual !== sha256) {
        throw new Error(`SHA-256 ${actual} does not match the expected ${sha256}`);
      }
      await rename(tmp, dest);
      return;
    } catch (e) {
      if (isAborted(request.signal)) throw new CancelledError(`download of ${dest} cancelled`);
      failures.push(`${url}: ${timeout.aborted ? `no answer within ${timeoutMs} ms` : describe(e)}`);
    } finally {
      await rm(tmp, { force: true });
    }
  }
  throw new DataError(`${dest}: download failed (is this machine offline?):\n  ${failures.join('\n  ')}`);
}
