/**
 * Device-aware widths: each group's alive count moves to the cheapest width on the target device
 * within a small window at or above it (on webgpu a multiple of 4 or 16 can be faster than a smaller
 * odd count). The cost function decides; for FLOPs the count stays as it is. Asked to, a count that
 * sits just above a step (18 channels where 16 are far cheaper) also steps down to it, when the step
 * saves far more per channel given up than the group's channels cost on average; a caller that
 * re-spends the saving (shrink's fill) turns a wasted step into channels elsewhere.
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

/** A step down must save this many times the group's average cost per channel, for each channel it gives up. */
export const STEP_DOWN_FACTOR = 2;

/** How snapping may move a count. */
export interface SnapOptions {
  /** Also step down to a much cheaper width within the window below (default false: up only). */
  readonly down?: boolean;
  readonly maxPasses?: number;
}

/**
 * The width a step down from `now` (costing `here`) goes to, no lower than `floor`, and its cost: the
 * widest whose saving per channel given up is at least STEP_DOWN_FACTOR times the group's average cost
 * per channel at `now`.
 */
function stepDown(costAt: (c: number) => number, now: number, here: number, floor: number): { count: number; cost: number } | undefined {
  if (now <= 1) return undefined;
  const average = (here - costAt(1)) / (now - 1);
  if (!(average > 0)) return undefined;
  for (let c = now - 1; c >= Math.max(1, floor); c--) {
    const cost = costAt(c);
    if ((here - cost) / (now - c) >= STEP_DOWN_FACTOR * average) return { count: c, cost };
  }
  return undefined;
}

/**
 * Snaps every alive, resizable group, one group at a time with the others held, in passes until no
 * group moves (a move of one group can make its neighbour's move pay). Each group searches the window
 * above its learned count (and, with `down`, where no width above is cheaper, steps down as `stepDown`
 * says); returns the new structure and each group's move.
 */
export function snapStructure(graph: OpGraph, structure: Structure, target: CostTarget, options: SnapOptions = {}): { structure: Structure; snaps: Snap[] } {
  const learned = groupCounts(graph, structure).filter(({ group, count }) => count > 0 && count < group.width);
  let current: Structure = { ...structure };
  for (let pass = 0; pass < (options.maxPasses ?? 4); pass++) {
    let moved = false;
    for (const { group, count } of learned) {
      const now = current[group.owners[0]!] ?? count;
      const costAt = (c: number): number => networkCost(graph, target, withGroupCount(current, group, c)).total;
      let best = { count: now, cost: networkCost(graph, target, current).total };
      for (let c = count; c <= Math.min(group.width, count + snapWindow(count)); c++) {
        if (c === now) continue;
        const cost = costAt(c);
        if (cost < best.cost * (1 - 1e-9)) best = { count: c, cost };
      }
      const down = options.down === true && best.count === now ? stepDown(costAt, now, best.cost, count - snapWindow(count)) : undefined;
      if (down !== undefined && down.cost < best.cost * (1 - 1e-9)) best = down;
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
