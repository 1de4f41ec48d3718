/**
 * The root of the installed morphlat package (the folder holding its package.json), found from this module's
 * own location, so that bundled files resolve the same from TypeScript sources and from compiled dist/ files.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../errors.js';

/** Walks up from `from` (a file URL or path; default this module) to the first folder with a package.json. */
export function packageRoot(from: string | URL = import.meta.url): string {
  const start = typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from);
  let dir = path.dirname(start);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new DataError(`no package.json in any folder above ${start}`);
    dir = parent;
  }
}
