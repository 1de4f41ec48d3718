/**
 * The cheapest structure a model can shrink to: every channel group at one channel, or removed (a
 * residual body or a concat tower with no channels) where the shrunk model can still be built. A cost
 * target below its cost cannot be met by any strength.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { networkCost } from '../../costs/network.js';
import type { CostTarget } from '../../costs/types.js';
import type { Structure } from '../../graph/alive.js';
import type { OpGraph } from '../../graph/types.js';
import { groupCounts, withGroupCount } from './groups.js';
import { isBuildable } from './shrunk-topology.js';

/** Every resizable channel group of `graph` at one channel. */
export function narrowestStructure(graph: OpGraph): Structure {
  let structure: Structure = {};
  for (const { group } of groupCounts(graph, {})) structure = withGroupCount(structure, group, 1);
  return structure;
}

/** The cheapest structure of `model` for `target` and its cost (groups removed one by one where that is cheaper and buildable). */
export function cheapestStructure(model: tfl.LayersModel, graph: OpGraph, target: CostTarget): { structure: Structure; cost: number } {
  let structure = narrowestStructure(graph);
  let cost = networkCost(graph, target, structure).total;
  for (const { group } of groupCounts(graph, structure)) {
    const removed = withGroupCount(structure, group, 0);
    if (!isBuildable(model, removed)) continue;
    const removedCost = networkCost(graph, target, removed).total;
    if (removedCost < cost) {
      structure = removed;
      cost = removedCost;
    }
  }
  return { structure, cost };
}
