/** Reading and writing structure files (morph-net's alive-count JSON) with clear errors. */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { StructureError } from '../errors.js';
import { writeJsonAtomic } from '../util/atomic.js';
import type { Structure } from './alive.js';

const StructureSchema = z.record(z.string(), z.number().int().nonnegative());

/** Reads a structure file; a missing file, bad JSON or a bad count raises StructureError naming it. */
export async function readStructureFile(file: string): Promise<Structure> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new StructureError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e)}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new StructureError(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const parsed = StructureSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `\`${issue.path.join('.')}\`` : 'the file';
    throw new StructureError(`${file}: ${where}: ${issue?.message ?? 'invalid'} (expected { "<layer name>": count })`);
  }
  return parsed.data;
}

/** Writes a structure file atomically. */
export async function writeStructureFile(file: string, structure: Structure): Promise<void> {
  await writeJsonAtomic(file, structure);
}
