/** The cost of a whole network under a target: per-op costs at the alive counts, and their total. */
import { propagateAlive } from '../graph/alive.js';
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
 * Which ops of the shrunk model still run: an op with a dead input (no alive channels, or its producer
 * gone) is gone; an Add left with one input is bypassed; a Concat runs while any input is left. These
 * cost nothing, as in the model a structure builds (a residual body with no channels becomes the
 * identity, a concat tower with none drops out).
 */
function runningOps(graph: OpGraph, alive: ReadonlyMap<string, OpAlive>): ReadonlySet<string> {
  const present = new Set<string>();
  const running = new Set<string>();
  for (const op of graph.ops) {
    const a = alive.get(op.name);
    const live = op.inputs.filter((name, k) => present.has(name) && (a?.in[k] ?? 0) > 0).length;
    if (op.inputs.length === 0) {
      present.add(op.name);
      running.add(op.name);
    } else if (op.kind === 'concat') {
      if (live > 0) {
        present.add(op.name);
        running.add(op.name);
      }
    } else if (op.kind === 'add') {
      if (live > 0) present.add(op.name);
      if (live > 1 || live === op.inputs.length) running.add(op.name);
    } else if (live === op.inputs.length) {
      present.add(op.name);
      running.add(op.name);
    }
  }
  return running;
}

/** Prices every op of `graph` at the alive counts of `structure` (all alive by default); ops a structure removes cost nothing. */
export function networkCost(graph: OpGraph, target: CostTarget, structure?: Structure): CostReport {
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
