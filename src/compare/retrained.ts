/**
 * Retrainings kept beside an architecture. Retraining from scratch is the slowest step of a compare
 * after shrinking, so each retraining's accuracy is kept in the architecture's folder as
 * `retrained-<seed>.json`, with everything the accuracy depends on: the structure, the seed, the epochs,
 * batch size and loss, and which training and test data (their description and size). A run that asks for
 * the same retraining again reads it back instead of training; anything different trains anew.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Structure } from '../graph/alive.js';
import type { BatchSource } from '../train/data/source.js';
import { writeJsonAtomic } from '../util/atomic.js';

/** Everything a retrained accuracy depends on. */
export interface RetrainingKey {
  readonly structure: Structure;
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** The loss, where not the default for the data's labels. */
  readonly loss?: string;
  readonly train: DataIdentity;
  readonly test: DataIdentity | null;
}

/** Which data set: enough to tell two apart without reading them. */
export interface DataIdentity {
  readonly description: string;
  readonly size: number | null;
}

/** The identity of `data` for a retraining key. */
export function dataIdentity(data: BatchSource): DataIdentity {
  return { description: data.description, size: data.size ?? null };
}

/** The file that keeps the retraining with `seed` of the architecture in `dir`. */
export function retrainingFile(dir: string, seed: number): string {
  return path.join(dir, `retrained-${seed}.json`);
}

/** The accuracy kept in `dir` for exactly `key`, else undefined (none kept, or kept for something else). */
export async function keptAccuracy(dir: string, key: RetrainingKey): Promise<number | undefined> {
  const text = await fs.readFile(retrainingFile(dir, key.seed), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let kept: unknown;
  try {
    kept = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof kept !== 'object' || kept === null) return undefined;
  const { accuracy, ...rest } = kept as { accuracy?: unknown };
  return typeof accuracy === 'number' && sameKey(rest, key) ? accuracy : undefined;
}

/** Keeps `accuracy` for `key` in `dir` (atomically, replacing what was kept for that seed). */
export async function keepAccuracy(dir: string, key: RetrainingKey, accuracy: number): Promise<void> {
  await writeJsonAtomic(retrainingFile(dir, key.seed), { ...key, accuracy });
}

/**
 * The accuracy kept in `dir` for `key`, else what `retrain` gives (kept there for the next run when it
 * gives one).
 */
export async function keptOrRetrained(dir: string, key: RetrainingKey, retrain: () => Promise<number | undefined>): Promise<number | undefined> {
  const kept = await keptAccuracy(dir, key);
  if (kept !== undefined) return kept;
  const accuracy = await retrain();
  if (accuracy !== undefined) await keepAccuracy(dir, key, accuracy);
  return accuracy;
}

function sameKey(kept: object, key: RetrainingKey): boolean {
  return JSON.stringify(canonical(kept)) === JSON.stringify(canonical(key));
}

/** `value` with every object's keys sorted, so two equal keys serialize alike whatever their order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, canonical(v)]),
  );
}
