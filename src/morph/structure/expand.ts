/**
 * MorphNet's expansion step: one width multiplier over a learned structure, found by bisection so the
 * network's cost meets a goal, rounded the same way for every owner of a tie group. On a measured
 * device, where cost can fall as width grows past a cliff, the widest multiplier that meets the goal.
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

/** How an expansion treats the model's own widths. */
export interface ExpandOptions {
  /** Grow no group past the model's own width (one already past it, where snapping found that cheaper, grows no further). */
  readonly withinModel?: boolean;
  /** Layers whose groups keep their count (widths already chosen for the device). */
  readonly keep?: ReadonlySet<string>;
}

/**
 * `structure` with every resizable group's count times `multiplier` (rounded, alive groups keep ≥ 1;
 * with `withinModel`, no group grows past the model's width; groups with a layer in `keep` stay as they are).
 */
export function scaleStructure(graph: OpGraph, structure: Structure, multiplier: number, options: ExpandOptions = {}): Structure {
  const out: Record<string, number> = { ...structure };
  for (const { group, count } of groupCounts(graph, structure)) {
    if (group.owners.some((o) => options.keep?.has(o) === true)) continue;
    const rounded = count === 0 ? 0 : Math.max(1, Math.round(count * multiplier));
    const scaled = options.withinModel === true ? Math.min(Math.max(group.width, count), rounded) : rounded;
    for (const owner of group.owners) out[owner] = scaled;
  }
  return out;
}

/** The cost of `graph` at the widths of `structure`, which may exceed the model's own. */
export function structureCost(graph: OpGraph, target: CostTarget, structure: Structure): number {
  return networkCost(resizedGraph(graph, structure), target).total;
}

/** The largest multiplier whose scaled structure costs at most `goal`: by bisection, then on a measured target by pricing every step above. */
export function expandStructure(graph: OpGraph, structure: Structure, target: CostTarget, goal: number, options: ExpandOptions = {}): Expansion {
  const cost = (m: number): number => structureCost(graph, target, scaleStructure(graph, structure, m, options));
  if (!(goal > 0)) throw new UsageError(`the expansion goal must be a positive cost, got ${goal}`);
  let lo = 0;
  let hi = 1;
  while (cost(hi) <= goal && hi < 64) {
    lo = hi;
    hi *= 2;
  }
  const top = hi;
  for (let i = 0; i < 40 && hi - lo > 1e-4; i++) {
    const mid = (lo + hi) / 2;
    if (cost(mid) <= goal) lo = mid;
    else hi = mid;
  }
  if (target.sweptRange !== undefined) lo = widestWithin(graph, structure, target, goal, lo, top, options);
  if (lo === 0) throw new UsageError(`no width multiplier reaches a cost of ${goal}: even the narrowest structure costs ${cost(1e-6)}`);
  const expanded = scaleStructure(graph, structure, lo, options);
  return { structure: expanded, multiplier: leastMultiplierFor(graph, structure, expanded, lo, options), cost: structureCost(graph, target, expanded) };
}

/**
 * On a measured target the cost need not rise with the multiplier (tfjs-webgpu on lavapipe runs
 * resnet-mini at ×0.72 a quarter faster than at ×0.53), so bisection stops at some crossing, not
 * necessarily the last: every multiplier in (lo, hi] at which a group's rounded count changes is priced,
 * and the widest whose cost meets `goal` wins (`lo` where none does).
 */
function widestWithin(graph: OpGraph, structure: Structure, target: CostTarget, goal: number, lo: number, hi: number, options: ExpandOptions): number {
  const steps = new Set<number>();
  for (const { group, count } of groupCounts(graph, structure)) {
    if (count === 0 || group.owners.some((o) => options.keep?.has(o) === true)) continue;
    const top = options.withinModel === true ? Math.min(hi, (Math.max(group.width, count) + 0.5) / count) : hi;
    for (let k = Math.ceil(lo * count + 0.5); k <= Math.floor(top * count + 0.5); k++) {
      const m = (k - 0.5) / count + 1e-9;
      if (m > lo && m <= hi) steps.add(m);
    }
  }
  let widest = lo;
  let last = '';
  for (const m of [...steps].sort((a, b) => a - b)) {
    const scaled = scaleStructure(graph, structure, m, options);
    const key = JSON.stringify(scaled);
    if (key === last) continue;
    last = key;
    if (structureCost(graph, target, scaled) <= goal) widest = m;
  }
  return widest;
}

/**
 * Of the multipliers that scale `structure` to `scaled` (the largest of them is `multiplier`), the one
 * nearest 1: once every group is held (at the model's width, or kept), a larger one changes nothing,
 * and the search's cap of 64 says nothing.
 */
function leastMultiplierFor(graph: OpGraph, structure: Structure, scaled: Structure, multiplier: number, options: ExpandOptions): number {
  const same = (m: number): boolean => {
    const s = scaleStructure(graph, structure, m, options);
    return Object.keys(scaled).every((name) => s[name] === scaled[name]);
  };
  if (multiplier <= 1) return multiplier;
  if (same(1)) return 1;
  let lo = 1;
  let hi = multiplier;
  for (let i = 0; i < 40 && hi - lo > 1e-4; i++) {
    const mid = (lo + hi) / 2;
    if (same(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
