/**
 * Device-aware widths: each group's alive count moves to the cheapest width on the target device
 * within a small window at or above it (on webgpu a multiple of 4 or 16 can be faster than a smaller
 * odd count). The cost function decides; for FLOPs the count stays as it is. Asked to, a count that
 * sits just above a step (18 channels where 16 are far cheaper) also steps down to it, when the step
 * saves far more per channel given up than the group's channels cost on average; a caller that
 * re-spends the saving (shrink's fill) turns a wasted step into channels elsewhere.
 *
 * Where the target's prices were measured (a latency profile's sweeps, which may reach past the
 * model's own widths), a group may also jump past its window, up to the widest width measured, to a
 * multiple of JUMP_STEP that is clearly cheaper, its neighbours moving within their own windows with
 * it. Devices have cliffs no small window crosses: on lavapipe tfjs-webgpu runs a 14x14 convolution
 * with at most 32 outputs on a program 2-4x slower per FLOP than the one it runs with 36, and only with
 * the convolution's inputs aligned too.
 */
import { propagateAlive } from '../../graph/alive.js';
import type { Structure } from '../../graph/alive.js';
import type { TieGroup } from '../../graph/ties.js';
import type { OpGraph } from '../../graph/types.js';
import { layersPastSweep } from '../../costs/swept.js';
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

/** Widths a jump past the window lands on: multiples of this. */
export const JUMP_STEP = 4;

/** A jump past the window must cut the network's cost by at least this share: the prices it trusts lie far from the learned count. */
export const JUMP_GAIN = 0.02;

/** The widest a group may jump to, as a multiple of its width in the model, however far the target measured. */
const JUMP_REACH = 2;

/** How snapping may move a count. */
export interface SnapOptions {
  /** Also step down to a much cheaper width within the window below (default false: up only). */
  readonly down?: boolean;
  /** Keep every group within the model's own width, however far the target measured (default false). */
  readonly withinModel?: boolean;
  readonly maxPasses?: number;
}

/** A group snapping may move: its learned count and the widest count the target prices from measurement. */
interface Movable {
  readonly group: TieGroup;
  readonly count: number;
  readonly ceiling: number;
}

/**
 * The widest count of `group` (at most JUMP_REACH times its width, at least its width) at which no
 * layer runs past what the target measured that does not already at the model's widths; the model's
 * width for a target priced by formula, which measured nothing.
 */
export function measuredCeiling(graph: OpGraph, target: CostTarget, group: TieGroup): number {
  if (target.sweptRange === undefined) return group.width;
  const pastAt = (c: number): string[] => layersPastSweep(graph, target, withGroupCount({}, group, c)).map((l) => l.name);
  const atWidth = new Set(pastAt(group.width));
  const measured = (c: number): boolean => pastAt(c).every((name) => atWidth.has(name));
  let lo = group.width;
  let hi = JUMP_REACH * group.width;
  if (measured(hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (measured(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** For each group, the indices of the others that share an op with it (an op whose alive channels change with both). */
export function neighbouringGroups(graph: OpGraph, groups: readonly TieGroup[]): number[][] {
  const key = (a: { in: readonly number[]; out: number } | undefined): string => JSON.stringify(a ?? null);
  const full = propagateAlive(graph);
  const touched = groups.map((group) => {
    const narrower = propagateAlive(graph, withGroupCount({}, group, group.width - 1));
    return new Set(graph.ops.filter((op) => key(narrower.get(op.name)) !== key(full.get(op.name))).map((op) => op.name));
  });
  return touched.map((mine, i) => touched.flatMap((theirs, j) => (j !== i && [...mine].some((name) => theirs.has(name)) ? [j] : [])));
}

/**
 * `structure` with each of `windows`' groups in turn moved to its cheapest count from `from` to `to`
 * (or left where it stands), and that structure's cost: a jumping or growing group's neighbours.
 */
export function withCheapestCounts(
  structure: Structure,
  price: (s: Structure) => number,
  windows: readonly { readonly group: TieGroup; readonly from: number; readonly to: number }[],
): { structure: Structure; cost: number } {
  let best = { structure, cost: price(structure) };
  for (const { group, from, to } of windows) {
    const base = best.structure;
    for (let c = from; c <= to; c++) {
      const candidate = withGroupCount(base, group, c);
      const cost = price(candidate);
      if (cost < best.cost * (1 - 1e-9)) best = { structure: candidate, cost };
    }
  }
  return best;
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
 * says), then jumps past it where the target measured wider and a jump clearly pays; returns the new
 * structure and each group's move.
 */
export function snapStructure(graph: OpGraph, structure: Structure, target: CostTarget, options: SnapOptions = {}): { structure: Structure; snaps: Snap[] } {
  const movable: Movable[] = groupCounts(graph, structure)
    .filter(({ count }) => count > 0)
    .map(({ group, count }) => ({ group, count, ceiling: options.withinModel === true ? group.width : measuredCeiling(graph, target, group) }))
    .filter(({ count, ceiling }) => count < ceiling);
  const jumps = (m: Movable): number[] => {
    const widths: number[] = [];
    if (target.sweptRange === undefined) return widths;
    for (let c = JUMP_STEP * Math.ceil((m.count + snapWindow(m.count) + 1) / JUMP_STEP); c <= m.ceiling; c += JUMP_STEP) widths.push(c);
    return widths;
  };
  const neighbours = movable.some((m) => jumps(m).length > 0) ? neighbouringGroups(graph, movable.map((m) => m.group)) : [];
  const price = (s: Structure): number => networkCost(graph, target, s).total;
  const windowOf = (m: Movable): { from: number; to: number } => ({ from: m.count, to: Math.min(m.ceiling, m.count + snapWindow(m.count)) });
  const withNeighbours = (s: Structure, of: readonly number[]): { structure: Structure; cost: number } =>
    withCheapestCounts(s, price, of.map((j) => ({ group: movable[j]!.group, ...windowOf(movable[j]!) })));

  let current: Structure = { ...structure };
  for (let pass = 0; pass < (options.maxPasses ?? 4); pass++) {
    let moved = false;
    for (const [i, m] of movable.entries()) {
      const now = current[m.group.owners[0]!] ?? m.count;
      const here = price(current);
      const costAt = (c: number): number => price(withGroupCount(current, m.group, c));
      let best = { structure: current, cost: here };
      const { from, to } = windowOf(m);
      for (let c = from; c <= to; c++) {
        if (c === now) continue;
        const cost = costAt(c);
        if (cost < best.cost * (1 - 1e-9)) best = { structure: withGroupCount(current, m.group, c), cost };
      }
      const down = options.down === true && best.structure === current ? stepDown(costAt, now, here, m.count - snapWindow(m.count)) : undefined;
      if (down !== undefined && down.cost < best.cost * (1 - 1e-9)) best = { structure: withGroupCount(current, m.group, down.count), cost: down.cost };
      for (const c of jumps(m)) {
        if (c === now) continue;
        const jump = withNeighbours(withGroupCount(current, m.group, c), neighbours[i] ?? []);
        if (jump.cost <= here * (1 - JUMP_GAIN) && jump.cost < best.cost * (1 - 1e-9)) best = jump;
      }
      if (best.structure !== current) {
        current = best.structure;
        moved = true;
      }
    }
    if (!moved) break;
  }
  const snaps = movable
    .map(({ group, count }) => ({ owners: group.owners, from: count, to: current[group.owners[0]!] ?? count }))
    .filter((s) => s.to !== s.from);
  return { structure: current, snaps };
}
