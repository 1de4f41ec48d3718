/** The cost of a whole network under a target: per-op costs at the alive counts, and their total. */
import { propagateAlive, resizedGraph, runningOps, widensModel } from '../graph/alive.js';
import type { OpAlive, Structure } from '../graph/alive.js';
import type { OpGraph } from '../graph/types.js';
import type { CostTarget, CostUnit } from './types.js';

/** One layer's row of a cost report. */
export interface LayerCost {
  /** The tfjs-layers layer name. */
  readonly name: string;
  /** The tfjs-layers class name. */
  readonly op: string;
  readonly aliveIn: number;
  readonly aliveOut: number;
  readonly cost: number;
}

/** A network's cost under one target, as `morphlat cost --json` prints it. */
export interface CostReport {
  readonly target: string;
  readonly unit: CostUnit;
  /** Sum of the layers' costs plus the target's fixed cost. */
  readonly total: number;
  /** The part of the total that belongs to no layer (0 for MorphNet's analytic targets). */
  readonly fixed: number;
  readonly layers: readonly LayerCost[];
}

/** The alive input count shown for an op: the sum over a concat's inputs, the widest input otherwise. */
export function shownAliveIn(kind: string, alive: OpAlive): number {
  if (alive.in.length === 0) return alive.out;
  return kind === 'concat' ? alive.in.reduce((a, b) => a + b, 0) : Math.max(...alive.in);
}

/**
 * Prices every op of `graph` at the alive counts of `structure` (all alive by default); ops a structure
 * removes cost nothing. A structure wider than the model somewhere prices the model widened to it.
 */
export function networkCost(graph: OpGraph, target: CostTarget, structure?: Structure): CostReport {
  if (structure !== undefined && widensModel(graph, structure)) return networkCost(resizedGraph(graph, structure), target);
  const alive = propagateAlive(graph, structure);
  const running = runningOps(graph, alive);
  const layers = graph.ops.map((op): LayerCost => {
    const a = alive.get(op.name) ?? { in: [], out: op.outChannels };
    const cost = running.has(op.name) ? target.forOp(op).value(a) : 0;
    return { name: op.name, op: op.className, aliveIn: shownAliveIn(op.kind, a), aliveOut: a.out, cost };
  });
  const fixed = target.fixedCost ?? 0;
  return { target: target.name, unit: target.unit, total: fixed + layers.reduce((s, l) => s + l.cost, 0), fixed, layers };
}
