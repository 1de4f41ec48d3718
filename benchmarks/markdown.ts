/** Writes a benchmark's results into its own marked section of BENCHMARKS.md, leaving the rest alone; the phrases the sections share. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/train/data/package-root.js';
import { writeFileAtomic } from '../src/util/atomic.js';

/** Replaces (or appends) the section between `<!-- name:start -->` and `<!-- name:end -->`. */
export async function writeSection(name: string, body: string): Promise<string> {
  const file = path.join(packageRoot(import.meta.url), 'BENCHMARKS.md');
  const text = await fs.readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  const next = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFileAtomic(file, next);
  return file;
}

/** A share as the benchmark tables print it: one decimal, with a percent sign. */
export const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** How a section says the shrink runs' floor under a group's width (`--min-width-ratio`). */
export function floorSentence(ratio: number): string {
  return ratio > 0
    ? `Shrink runs keep every group that stays at ≥ ${percent(ratio)} of its seed width (\`--min-width-ratio ${ratio}\`).`
    : "Shrink runs have no floor under a group's width (`--min-width-ratio 0`, MorphNet's way).";
}
