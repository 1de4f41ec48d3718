/**
 * From a learned structure to the widths a shrink run builds: kept groups are raised to their minimum
 * width (`minWidthRatio`) where the goal has room, MorphNet's expansion step fills a
 * structure that landed under the target back up to it with one width multiplier (and, where widening
 * cannot use the budget, brings back removed groups), device-aware snapping moves each group to a
 * cheap width on the target device, and on a measured device groups grow into what room is left.
 */
import type { CostTarget } from '../costs/types.js';
import type { Structure } from '../graph/alive.js';
import type { OpGraph } from '../graph/types.js';
import { expandStructure, structureCost } from '../morph/structure/expand.js';
import { growWithinGoal } from '../morph/structure/grow.js';
import { raiseToMinWidth } from '../morph/structure/min-width.js';
import { restoreRemovedGroups } from '../morph/structure/restore.js';
import { snapStructure } from '../morph/structure/snap.js';
import type { Snap } from '../morph/structure/snap.js';
import type { ShrinkReport, ShrinkRequest } from './types.js';

/** A learned structure this far under the target cost is filled up to it. */
const FILL_BELOW = 0.98;
/** Rounds of filling and snapping up after steps down (snapping up lowers the cost, leaving room to fill). */
const REFILLS = 3;

/**
 * MorphNet's expansion step inside a shrink run: a learned structure that met the target with room to
 * spare is widened by one width multiplier to the largest structure that still meets it, no group above
 * the seed's width (and the groups of `keep` as they are).
 */
export function fillToTarget(
  graph: OpGraph,
  structure: Structure,
  target: CostTarget,
  goal: number,
  keep?: ReadonlySet<string>,
): { structure: Structure; fill?: ShrinkReport['fill'] } {
  const fromCost = structureCost(graph, target, structure);
  if (!(fromCost < goal * FILL_BELOW)) return { structure };
  const expansion = expandStructure(graph, structure, target, goal, { withinModel: true, ...(keep === undefined ? {} : { keep }) });
  if (structureCost(graph, target, expansion.structure) <= fromCost) return { structure };
  return { structure: expansion.structure, fill: { multiplier: expansion.multiplier, fromCost } };
}

/**
 * The learned structure at the device's widths: kept groups raised to their minimum width (within the
 * goal, when there is one to fill to), filled up to the goal (when there is one to fill to),
 * snapped to cheap widths (stepping down off expensive steps too, when the saving can be filled back),
 * then the other groups filled with what the steps down saved and snapped up again, a few rounds.
 * Where the filled structure still has room that widening cannot use, removed groups come back at
 * their seed width (after the first fill, and again after snapping, whose steps down can leave room).
 * Last, on a target whose prices were measured, groups grow one at a time into the room still left,
 * to counts the profile measured, past the seed's width unless `withinSeed` (`growWithinGoal`).
 */
export function deviceWidths(
  graph: OpGraph,
  learned: Structure,
  request: Pick<ShrinkRequest, 'target' | 'snap' | 'withinSeed' | 'onPhase' | 'minWidthRatio'>,
  fillGoal: number | undefined,
): { structure: Structure; fill?: ShrinkReport['fill']; snaps: Snap[]; restored: string[]; raised: string[]; grown: Snap[] } {
  const phase = (name: string): void => request.onPhase?.(name);
  let structure = learned;
  const raised: string[] = [];
  if ((request.minWidthRatio ?? 0) > 0) {
    phase('raising groups to their minimum width');
    const up = raiseToMinWidth(graph, structure, request.target, request.minWidthRatio ?? 0, fillGoal);
    structure = up.structure;
    raised.push(...up.raised);
  }
  let fill: ShrinkReport['fill'];
  const learnedCost = structureCost(graph, request.target, learned);
  const snaps: Snap[] = [];
  const fillUp = (keep?: ReadonlySet<string>): boolean => {
    if (fillGoal === undefined) return false;
    phase('filling the structure up to the target');
    const filled = fillToTarget(graph, structure, request.target, fillGoal, keep);
    structure = filled.structure;
    if (filled.fill === undefined) return false;
    fill = { multiplier: (fill?.multiplier ?? 1) * filled.fill.multiplier, fromCost: learnedCost };
    return true;
  };
  const snap = (down: boolean): Snap[] => {
    phase('snapping widths to the device');
    const snapped = snapStructure(graph, structure, request.target, { down, withinModel: request.withinSeed === true });
    structure = snapped.structure;
    snaps.push(...snapped.snaps);
    return snapped.snaps;
  };
  const restored: string[] = [];
  const restore = (): void => {
    if (fillGoal === undefined || !(structureCost(graph, request.target, structure) < fillGoal * FILL_BELOW)) return;
    const back = restoreRemovedGroups(graph, structure, request.target, fillGoal);
    structure = back.structure;
    restored.push(...back.restored);
  };
  fillUp();
  restore();
  if (request.snap === false) return { structure, ...(fill === undefined ? {} : { fill }), snaps, restored, raised, grown: [] };
  const stepsDown = snap(fillGoal !== undefined).filter((s) => s.to < s.from);
  const keep = new Set(stepsDown.flatMap((s) => s.owners));
  for (let round = 0; round < REFILLS && stepsDown.length > 0 && fillUp(keep); round++) snap(false);
  restore();
  let grown: Snap[] = [];
  if (fillGoal !== undefined && structureCost(graph, request.target, structure) < fillGoal * FILL_BELOW) {
    phase('growing groups into the room left');
    const growth = growWithinGoal(graph, structure, request.target, fillGoal, { withinModel: request.withinSeed === true });
    structure = growth.structure;
    grown = growth.grown;
  }
  return { structure, ...(fill === undefined ? {} : { fill }), snaps, restored, raised, grown };
}
