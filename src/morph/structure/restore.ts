/**
 * Bringing back removed groups. A shrink run can remove a residual body or a concat tower whole, a cliff in
 * cost that can overshoot the target; MorphNet's width multiplier cannot bring a removed group back (0 times
 * anything is 0). Where the budget has room, removed groups come back at their seed width, one at a time,
 * the one that adds the least cost first.
 */
import type { CostTarget } from '../../costs/types.js';
import type { Structure } from '../../graph/alive.js';
import type { OpGraph } from '../../graph/types.js';
import { changeCheapestFirst } from './cheapest-first.js';

/** `structure` with removed groups restored at their seed width, least costly first, while the cost stays within `goal`. */
export function restoreRemovedGroups(graph: OpGraph, structure: Structure, target: CostTarget, goal: number): { structure: Structure; restored: string[] } {
  const back = changeCheapestFirst(graph, structure, target, goal, (group, count) => (count === 0 ? group.width : undefined));
  return { structure: back.structure, restored: back.changed };
}
