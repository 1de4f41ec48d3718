/**
 * Where a structure leaves what a cost target measured: layers whose alive channel counts run past the
 * widths a latency profile swept their configuration to, so that their latency is extrapolated (on
 * lavapipe a model-specific resnet-mini profile, swept to its seed's 32 channels at 14x14, prices that
 * stage at 36 channels at 102 ms where it measures 53-59). Snapping jumps only as far as this allows.
 */
import { propagateAlive, resizedGraph } from '../graph/alive.js';
import type { Structure } from '../graph/alive.js';
import type { OpGraph } from '../graph/types.js';
import { shownAliveIn } from './network.js';
import type { CostTarget } from './types.js';

/** A layer past its swept range: its alive counts and the widest the profile measured. */
export interface PastSweep {
  readonly name: string;
  /** Whether the layer owns its output channels (a structure names it). */
  readonly ownsChannels: boolean;
  readonly aliveIn: number;
  readonly aliveOut: number;
  readonly maxIn: number;
  readonly maxOut: number;
}

/**
 * The layers that `structure` (whose counts may exceed the model's own) runs past the channel counts
 * the target's prices were measured to (none for a target priced by formula).
 */
export function layersPastSweep(graph: OpGraph, target: CostTarget, structure: Structure): PastSweep[] {
  const sweptRange = target.sweptRange?.bind(target);
  if (sweptRange === undefined) return [];
  const resized = resizedGraph(graph, structure);
  const alive = propagateAlive(resized);
  return resized.ops.flatMap((op) => {
    const range = sweptRange(op);
    const a = alive.get(op.name);
    if (range === undefined || a === undefined) return [];
    const aliveIn = shownAliveIn(op.kind, a);
    if (aliveIn <= range.maxIn && a.out <= range.maxOut) return [];
    return [{ name: op.name, ownsChannels: op.ownsChannels, aliveIn, aliveOut: a.out, maxIn: range.maxIn, maxOut: range.maxOut }];
  });
}
