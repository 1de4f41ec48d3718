/**
 * Bringing back removed groups. A shrink run can remove a residual body or a concat tower whole, a cliff in
 * cost that can overshoot the target; MorphNet's width multiplier cannot bring a removed group back (0 times
 * anything is 0). Where the budget has room, removed groups come back at their seed width, one at a time,
 * the one that adds the least cost first.
 */
import type { CostTarget } from '../../costs/types.js';
import type { Structure } from '../../graph/alive.js';
import type { OpGraph } from '../../graph/types.js';
import { structureCost } from './expand.js';
import { groupCounts, withGroupCount } from './groups.js';

/** `structure` with removed groups restored at their seed width, least costly first, while the cost stays within `goal`. */
export function restoreRemovedGroups(graph: OpGraph, structure: Structure, target: CostTarget, goal: number): { structure: Structure; restored: string[] } {
  let current = structure;
  const restored: string[] = [];
  for (;;) {
    const candidates = groupCounts(graph, current)
      .filter(({ count }) => count === 0)
      .map(({ group }) => {
        const back = withGroupCount(current, group, group.width);
        return { owners: group.owners, structure: back, cost: structureCost(graph, target, back) };
      })
      .filter((c) => c.cost <= goal)
      .sort((a, b) => a.cost - b.cost);
    const best = candidates[0];
    if (best === undefined) return { structure: current, restored };
    current = best.structure;
    restored.push(...best.owners);
  }
}
