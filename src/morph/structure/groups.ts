/** Structures by tie group: every owner of a residual group shares one count. */
import type { Structure } from '../../graph/alive.js';
import { tieGroups } from '../../graph/ties.js';
import type { TieGroup } from '../../graph/ties.js';
import type { OpGraph } from '../../graph/types.js';

/** The resizable tie groups of a graph with their count in `structure` (the full width when absent). */
export function groupCounts(graph: OpGraph, structure: Structure): { group: TieGroup; count: number }[] {
  return tieGroups(graph)
    .filter((g) => g.resizable)
    .map((group) => ({ group, count: Math.max(...group.owners.map((o) => structure[o] ?? group.width)) }));
}

/** `structure` with every owner of `group` at `count`. */
export function withGroupCount(structure: Structure, group: TieGroup, count: number): Structure {
  return { ...structure, ...Object.fromEntries(group.owners.map((o) => [o, count])) };
}
