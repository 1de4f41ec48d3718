/** The files of a compare run's output folder: `compare.json` (written atomically) beside the report. */
import path from 'node:path';
import { writeJsonAtomic } from '../util/atomic.js';
import type { CompareResult } from './types.js';

/** Paths inside a compare output folder. */
export function comparePaths(dir: string) {
  return {
    json: path.join(dir, 'compare.json'),
    html: path.join(dir, 'index.html'),
    architectures: path.join(dir, 'architectures'),
  };
}

/** Writes `DIR/compare.json`. */
export async function writeCompareJson(dir: string, result: CompareResult): Promise<string> {
  const file = comparePaths(dir).json;
  await writeJsonAtomic(file, result);
  return file;
}
