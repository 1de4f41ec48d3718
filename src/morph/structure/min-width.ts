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
import { structureCost } from './expand.js';
import { groupCounts, withGroupCount } from './groups.js';

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
  let current = structure;
  const raised: string[] = [];
  for (;;) {
    const candidates = groupCounts(graph, current)
      .filter(({ group, count }) => count > 0 && count < minWidthOf(group, ratio))
      .map(({ group }) => {
        const up = withGroupCount(current, group, minWidthOf(group, ratio));
        return { owners: group.owners, structure: up, cost: structureCost(graph, target, up) };
      })
      .filter((c) => goal === undefined || c.cost <= goal)
      .sort((a, b) => a.cost - b.cost);
    const best = candidates[0];
    if (best === undefined) return { structure: current, raised };
    current = best.structure;
    raised.push(...best.owners);
  }
}
