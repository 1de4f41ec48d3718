/**
 * Channel prices: what one channel of each resizable channel group costs under a target at a structure,
 * the cost its last alive channel adds (the structure's cost less the cost with one channel fewer in
 * the group; for a group at one channel, what a second would add). It is the finite-difference form of
 * the marginal cost MorphNet weighs a channel by, per tie group, so set beside the FLOPs' it shows where
 * a device prices channels unlike FLOPs, which is where a latency target shrinks otherwise than a FLOP
 * target does. Layers a residual Add ties must be given one count: a structure that gives them different
 * ones has no single price per channel and is refused.
 */
import type { CostTarget } from '../../costs/index.js';
import { StructureError } from '../../errors.js';
import type { Structure } from '../../graph/alive.js';
import type { OpGraph } from '../../graph/types.js';
import { structureCost } from './expand.js';
import { groupCounts, withGroupCount } from './groups.js';

/** One resizable channel group and what one of its channels costs. */
export interface ChannelPrice {
  /** The group's channel-owning layers (several where a residual Add ties them). */
  readonly owners: readonly string[];
  /** Alive channels in the structure priced. */
  readonly count: number;
  /** The group's full width. */
  readonly width: number;
  /** The cost of one channel, in the target's unit. */
  readonly price: number;
  /** That cost as a share of the structure's. */
  readonly share: number;
}

/** Every resizable group of `graph` at `structure` (the full width where absent), with the price of one of its channels under `target`. */
export function channelPrices(graph: OpGraph, target: CostTarget, structure: Structure = {}): ChannelPrice[] {
  const groups = groupCounts(graph, structure);
  for (const { group } of groups) {
    const counts = group.owners.map((o) => structure[o] ?? group.width);
    if (new Set(counts).size > 1) {
      throw new StructureError(
        `structure: ${group.owners.map((o, i) => `\`${o}\` (${counts[i]}${structure[o] === undefined ? ', its full width' : ''})`).join(', ')} are tied by a residual Add and need one count to be priced per channel`,
      );
    }
  }
  const total = structureCost(graph, target, structure);
  return groups.map(({ group, count }) => {
    const price =
      count > 1
        ? total - structureCost(graph, target, withGroupCount(structure, group, count - 1))
        : structureCost(graph, target, withGroupCount(structure, group, count + 1)) - total;
    return { owners: group.owners, count, width: group.width, price, share: price / total };
  });
}
