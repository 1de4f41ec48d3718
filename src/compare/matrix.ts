/**
 * The cross-device matrix: every architecture priced on every device from that device's profile, in
 * total and split by op kind, and how much faster each device's own architecture is than the others.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { flopsTarget } from '../costs/analytic.js';
import { latencyTarget } from '../costs/latency/target.js';
import { networkCost } from '../costs/network.js';
import type { Structure } from '../graph/alive.js';
import { buildGraph } from '../graph/build.js';
import type { OpGraph } from '../graph/types.js';
import { buildShrunkModel } from '../morph/structure/rebuild.js';
import type { DeviceProfile } from '../profile/schema.js';

/** The key under which a profile's network-level constant appears in a breakdown by op kind. */
export const CONSTANT_KIND = 'constant';

/** An architecture as the op graph of its shrunk model, with its size. */
export interface PricedArchitecture {
  readonly graph: OpGraph;
  readonly parameters: number;
  readonly flops: number;
  readonly removed: readonly string[];
}

/** Builds the shrunk model of `structure` (on the active backend), reads its graph and size, and frees it. */
export async function architectureGraph(seed: tfl.LayersModel, structure: Structure): Promise<PricedArchitecture> {
  const { model, report } = await buildShrunkModel(seed, structure);
  try {
    const graph = buildGraph(model);
    return { graph, parameters: model.countParams(), flops: networkCost(graph, flopsTarget()).total, removed: report.removed };
  } finally {
    model.dispose();
  }
}

/** A network's predicted latency on a device, in total and by op kind (the constant under `constant`). */
export function predictedLatency(profile: DeviceProfile, graph: OpGraph): { total: number; byKind: Record<string, number> } {
  const report = networkCost(graph, latencyTarget(profile));
  const byKind: Record<string, number> = {};
  report.layers.forEach((layer, i) => {
    const kind = graph.ops[i]?.kind ?? layer.op;
    if (kind === 'input') return;
    byKind[kind] = (byKind[kind] ?? 0) + layer.cost;
  });
  if (report.fixed !== 0) byKind[CONSTANT_KIND] = report.fixed;
  return { total: report.total, byKind };
}

/**
 * For row `i` of a square matrix: the fastest other architecture's latency over the own one's, minus 1
 * (0.1: the own architecture is 10% faster than any other; negative: another one is faster). Null when
 * the row has no own value or no other value.
 */
export function ownMargin(row: readonly (number | null)[], i: number): number | null {
  const own = row[i];
  const others = row.filter((x, j): x is number => j !== i && x !== null && x !== undefined);
  if (own === null || own === undefined || others.length === 0) return null;
  return Math.min(...others) / own - 1;
}
