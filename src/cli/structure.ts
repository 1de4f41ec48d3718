/** Structure files named on the command line: read them, and name the file in errors about their contents. */
import { StructureError } from '../errors.js';
import type { Structure } from '../graph/alive.js';
import { readStructureFile } from '../graph/structure-file.js';

/** Reads `--structure` when given. */
export async function structureOption(file: string | undefined): Promise<Structure | undefined> {
  return file === undefined ? undefined : readStructureFile(file);
}

/** Runs `f`, naming `file` in place of "structure" in the StructureErrors it raises. */
export function namingStructureFile<T>(file: string | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (file !== undefined && e instanceof StructureError && e.message.startsWith('structure:')) {
      throw new StructureError(`${file}:${e.message.slice('structure:'.length)}`, { cause: e });
    }
    throw e;
  }
}
