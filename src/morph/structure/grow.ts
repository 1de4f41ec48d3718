/**
 * Growing into the budget. MorphNet's width multiplier fills a structure up to its goal by scaling every
 * group alike, no group past the seed's width; on a measured device that leaves room it cannot use: a
 * group held at the seed's width, or stepped down off an expensive count, blocks the multiplier while a
 * wider count the profile measured runs cheaper (on lavapipe a 14x14 stage at 36 channels runs a third
 * faster than at the seed's 32). Here groups grow one move at a time, each move to a wider count the
 * target measured (within the snapping window, or a multiple of JUMP_STEP up to the measured ceiling)
 * with its neighbours at their cheapest counts within their own windows, while the network still meets
 * the goal: first moves that widen without adding cost, then those that widen most per unit of cost.
 * Widening is measured as the sum over layers of log(width), the quantity one width multiplier raises
 * alike in every layer, so a narrow layer doubled counts as much as a wide one doubled.
 */
import type { Structure } from '../../graph/alive.js';
import type { OpGraph } from '../../graph/types.js';
import { networkCost } from '../../costs/network.js';
import type { CostTarget } from '../../costs/types.js';
import { groupCounts, withGroupCount } from './groups.js';
import { JUMP_STEP, measuredCeiling, neighbouringGroups, snapWindow, withCheapestCounts } from './snap.js';
import type { Snap } from './snap.js';

/** How growth may widen groups. */
export interface GrowOptions {
  /** Keep every group within the model's own width, however far the target measured (default false). */
  readonly withinModel?: boolean;
  /** The most moves (default 200). */
  readonly maxMoves?: number;
}

/**
 * `structure` grown within `goal` on a target whose prices were measured (a latency profile); a target
 * priced by formula measured nothing past what the fill already spends, and gets `structure` back.
 * Removed groups stay removed. Returns the grown structure and each group's move.
 */
export function growWithinGoal(graph: OpGraph, structure: Structure, target: CostTarget, goal: number, options: GrowOptions = {}): { structure: Structure; grown: Snap[] } {
  if (target.sweptRange === undefined) return { structure, grown: [] };
  const groups = groupCounts(graph, structure)
    .filter(({ count }) => count > 0)
    .map(({ group, count }) => ({ group, from: count, ceiling: options.withinModel === true ? group.width : measuredCeiling(graph, target, group) }));
  if (groups.length === 0) return { structure, grown: [] };
  const neighbours = neighbouringGroups(graph, groups.map((g) => g.group));
  const price = (s: Structure): number => networkCost(graph, target, s).total;
  const countOf = (s: Structure, i: number): number => s[groups[i]!.group.owners[0]!] ?? groups[i]!.from;
  /** Σ over layers of log(width): one width multiplier m adds log m per layer, whatever the layer's width. */
  const logWidth = (s: Structure): number => groups.reduce((sum, g, i) => sum + Math.log(countOf(s, i)) * g.group.owners.length, 0);
  /** Counts a group at `now` may grow to: its window above, and multiples of JUMP_STEP up to its ceiling. */
  const wider = (i: number, now: number): number[] => {
    const { ceiling } = groups[i]!;
    const out = new Set<number>();
    for (let c = now + 1; c <= Math.min(ceiling, now + snapWindow(now)); c++) out.add(c);
    for (let c = JUMP_STEP * Math.ceil((now + 1) / JUMP_STEP); c <= ceiling; c += JUMP_STEP) out.add(c);
    return [...out];
  };
  /** `s` with each neighbour of group `i` at its cheapest count at or above where it stands, within its window. */
  const withNeighbours = (s: Structure, i: number): { structure: Structure; cost: number } =>
    withCheapestCounts(
      s,
      price,
      (neighbours[i] ?? []).map((j) => {
        const now = countOf(s, j);
        return { group: groups[j]!.group, from: now, to: Math.min(groups[j]!.ceiling, now + snapWindow(now)) };
      }),
    );

  let current = structure;
  let cost = price(current);
  for (let move = 0; move < (options.maxMoves ?? 200); move++) {
    const here = logWidth(current);
    let best: { structure: Structure; cost: number; free: boolean; score: number } | undefined;
    for (const i of groups.keys()) {
      for (const c of wider(i, countOf(current, i))) {
        const next = withNeighbours(withGroupCount(current, groups[i]!.group, c), i);
        if (!(next.cost <= goal)) continue;
        const gain = logWidth(next.structure) - here;
        if (!(gain > 0)) continue;
        const extra = next.cost - cost;
        const free = extra <= 0;
        const better = best === undefined || (free && !best.free) || (free === best.free && (free ? gain > best.score : gain / extra > best.score));
        if (better) best = { ...next, free, score: free ? gain : gain / extra };
      }
    }
    if (best === undefined) break;
    current = best.structure;
    cost = best.cost;
  }
  const grown = groups.map(({ group, from }, i) => ({ owners: group.owners, from, to: countOf(current, i) })).filter((g) => g.to !== g.from);
  return { structure: current, grown };
}
