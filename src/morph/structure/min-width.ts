/**
 * A floor under each group's width. Cost-weighted shrinking starves the layers whose channels cost most,
 * down to one channel where a tight budget asks for it: a bottleneck that no width elsewhere makes up
 * for. A group the shrunk model keeps is raised to a share of its seed width (rounded up), the cheapest
 * raise first, while the cost stays within the goal; a removed group stays removed.
 */
import type { CostTarget } from '../../costs/types.js';
import type { Structure } from '../../graph/alive.js';
import type { TieGroup } from '../../graph/ties.js';
import type { OpGraph } from '../../graph/types.js';
import { changeCheapestFirst } from './cheapest-first.js';

/** The fewest channels a kept group may have: `ratio` of its seed width, rounded up. */
export function minWidthOf(group: TieGroup, ratio: number): number {
  return Math.min(group.width, Math.ceil(ratio * group.width));
}

/**
 * `structure` with every kept group narrower than `ratio` of its seed width raised to it, cheapest first,
 * while the cost stays within `goal` (every one without a goal); `raised` names the layers raised.
 */
export function raiseToMinWidth(
  graph: OpGraph,
  structure: Structure,
  target: CostTarget,
  ratio: number,
  goal?: number,
): { structure: Structure; raised: string[] } {
  const up = changeCheapestFirst(graph, structure, target, goal, (group, count) => (count > 0 && count < minWidthOf(group, ratio) ? minWidthOf(group, ratio) : undefined));
  return { structure: up.structure, raised: up.changed };
}
