/**
 * Device-aware widths: each group's alive count moves to the cheapest width on the target device
 * within a small window at or above it (on webgpu a multiple of 4 or 16 can be faster than a smaller
 * odd count). The cost function decides; for FLOPs the count stays as it is.
 */
import type { Structure } from '../../graph/alive.js';
import type { OpGraph } from '../../graph/types.js';
import { networkCost } from '../../costs/network.js';
import type { CostTarget } from '../../costs/types.js';
import { groupCounts, withGroupCount } from './groups.js';

/** How a group's count moved. */
export interface Snap {
  readonly owners: readonly string[];
  readonly from: number;
  readonly to: number;
}

/** The window above a count that snapping searches: an eighth of it, at least 3 channels. */
export function snapWindow(count: number): number {
  return Math.max(3, Math.ceil(count / 8));
}

/**
 * Snaps every alive, resizable group, one group at a time with the others held, in passes until no
 * group moves (a move of one group can make its neighbour's move pay). Each group searches the window
 * above its learned count; returns the new structure and each group's move.
 */
export function snapStructure(graph: OpGraph, structure: Structure, target: CostTarget, maxPasses = 4): { structure: Structure; snaps: Snap[] } {
  const learned = groupCounts(graph, structure).filter(({ group, count }) => count > 0 && count < group.width);
  let current: Structure = { ...structure };
  for (let pass = 0; pass < maxPasses; pass++) {
    let moved = false;
    for (const { group, count } of learned) {
      const now = current[group.owners[0]!] ?? count;
      let best = { count: now, cost: networkCost(graph, target, current).total };
      for (let c = count; c <= Math.min(group.width, count + snapWindow(count)); c++) {
        if (c === now) continue;
        const cost = networkCost(graph, target, withGroupCount(current, group, c)).total;
        if (cost < best.cost * (1 - 1e-9)) best = { count: c, cost };
      }
      if (best.count !== now) {
        current = withGroupCount(current, group, best.count);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const snaps = learned
    .map(({ group, count }) => ({ owners: group.owners, from: count, to: current[group.owners[0]!] ?? count }))
    .filter((s) => s.to !== s.from);
  return { structure: current, snaps };
}
