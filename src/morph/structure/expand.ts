/**
 * MorphNet's expansion step: one width multiplier over a learned structure, found by bisection so the
 * network's cost meets a goal, rounded the same way for every owner of a tie group.
 */
import { UsageError } from '../../errors.js';
import type { Structure } from '../../graph/alive.js';
import { resizedGraph } from '../../graph/alive.js';
import type { OpGraph } from '../../graph/types.js';
import { networkCost } from '../../costs/network.js';
import type { CostTarget } from '../../costs/types.js';
import { groupCounts } from './groups.js';

/** An expanded structure, its multiplier and its cost. */
export interface Expansion {
  readonly structure: Structure;
  readonly multiplier: number;
  readonly cost: number;
}

/** `structure` with every resizable group's count times `multiplier` (rounded, alive groups keep ≥ 1). */
export function scaleStructure(graph: OpGraph, structure: Structure, multiplier: number): Structure {
  const out: Record<string, number> = { ...structure };
  for (const { group, count } of groupCounts(graph, structure)) {
    const scaled = count === 0 ? 0 : Math.max(1, Math.round(count * multiplier));
    for (const owner of group.owners) out[owner] = scaled;
  }
  return out;
}

/** The cost of `graph` at the widths of `structure`, which may exceed the model's own. */
export function structureCost(graph: OpGraph, target: CostTarget, structure: Structure): number {
  return networkCost(resizedGraph(graph, structure), target).total;
}

/** The largest multiplier whose scaled structure costs at most `goal`, by bisection. */
export function expandStructure(graph: OpGraph, structure: Structure, target: CostTarget, goal: number): Expansion {
  const cost = (m: number): number => structureCost(graph, target, scaleStructure(graph, structure, m));
  if (!(goal > 0)) throw new UsageError(`the expansion goal must be a positive cost, got ${goal}`);
  let lo = 0;
  let hi = 1;
  while (cost(hi) <= goal && hi < 64) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 40 && hi - lo > 1e-4; i++) {
    const mid = (lo + hi) / 2;
    if (cost(mid) <= goal) lo = mid;
    else hi = mid;
  }
  if (lo === 0) throw new UsageError(`no width multiplier reaches a cost of ${goal}: even the narrowest structure costs ${cost(1e-6)}`);
  const expanded = scaleStructure(graph, structure, lo);
  return { structure: expanded, multiplier: lo, cost: structureCost(graph, target, expanded) };
}
