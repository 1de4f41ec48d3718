/**
 * Group changes made greedily within a cost goal: the change that leaves the structure cheapest first,
 * one at a time (how removed groups come back and starved groups reach their minimum width).
 */
import type { CostTarget } from '../../costs/types.js';
import type { Structure } from '../../graph/alive.js';
import type { TieGroup } from '../../graph/ties.js';
import type { OpGraph } from '../../graph/types.js';
import { structureCost } from './expand.js';
import { groupCounts, withGroupCount } from './groups.js';

/**
 * Changes groups one at a time, the change that leaves the structure cheapest first, while the cost stays
 * within `goal` (every change without one): `proposal` gives a group's new count, or undefined for none.
 * Returns the structure and the layers of the groups changed, in order.
 */
export function changeCheapestFirst(
  graph: OpGraph,
  structure: Structure,
  target: CostTarget,
  goal: number | undefined,
  proposal: (group: TieGroup, count: number) => number | undefined,
): { structure: Structure; changed: string[] } {
  let current = structure;
  const changed: string[] = [];
  for (;;) {
    const candidates = groupCounts(graph, current)
      .flatMap(({ group, count }) => {
        const to = proposal(group, count);
        if (to === undefined) return [];
        const next = withGroupCount(current, group, to);
        return [{ owners: group.owners, structure: next, cost: structureCost(graph, target, next) }];
      })
      .filter((c) => goal === undefined || c.cost <= goal)
      .sort((a, b) => a.cost - b.cost);
    const best = candidates[0];
    if (best === undefined) return { structure: current, changed };
    current = best.structure;
    changed.push(...best.owners);
  }
}
