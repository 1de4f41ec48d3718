/**
 * Width variants of a model: random structures with each tie group (residual Adds) at one width, each
 * width a uniform share of the seed's, for calibration, validation and benchmarks.
 */
import type { Structure } from '../src/graph/alive.js';
import { tieGroups } from '../src/graph/ties.js';
import type { OpGraph } from '../src/graph/types.js';
import { randomInt, seededRandom } from './random.js';

/** A random structure: every resizable tie group at a width in [lo, hi] of its own, seeded. */
export function randomStructure(graph: OpGraph, seed: number, lo = 0.25, hi = 1): Structure {
  const rand = seededRandom(seed);
  const structure: Record<string, number> = {};
  for (const group of tieGroups(graph)) {
    if (!group.resizable) continue;
    const width = randomInt(rand, Math.max(1, Math.ceil(group.width * lo)), Math.max(1, Math.floor(group.width * hi)));
    for (const owner of group.owners) structure[owner] = width;
  }
  return structure;
}

/** The structure with every resizable tie group at `multiplier` of its width (rounded, at least 1). */
export function uniformStructure(graph: OpGraph, multiplier: number): Structure {
  const structure: Record<string, number> = {};
  for (const group of tieGroups(graph)) {
    if (!group.resizable) continue;
    for (const owner of group.owners) structure[owner] = Math.max(1, Math.round(group.width * multiplier));
  }
  return structure;
}
