/**
 * Channel ties: layers whose output channels must stay equal in number because an Add sums them
 * (directly or through BN, activations, pooling, depthwise convs). Each tie group is shrunk as one;
 * a group that reaches the model input or a Concatenate cannot be resized on its own.
 */
import type { OpGraph, OpNode } from './types.js';

/** A set of channel-owning layers that must keep the same width. */
export interface TieGroup {
  /** Owning layers (conv, separable, dense) in the group, in graph order. */
  readonly owners: readonly string[];
  /** The group's full width. */
  readonly width: number;
  /** False when the group reaches an input, a Concatenate or a model output: its width is fixed. */
  readonly resizable: boolean;
}

const PASS_THROUGH = new Set(['batchnorm', 'activation', 'pool', 'global-pool', 'dropout', 'zeropad', 'depthwise']);

/** The op that decides the channels of `op`'s output, walking back through pass-through ops. */
export function channelSource(graph: OpGraph, name: string): OpNode | undefined {
  const byName = new Map(graph.ops.map((op) => [op.name, op]));
  let op = byName.get(name);
  while (op !== undefined && PASS_THROUGH.has(op.kind) && !(op.kind === 'depthwise' && op.depthMultiplier !== 1)) {
    const input = op.inputs[0];
    op = input === undefined ? undefined : byName.get(input);
  }
  return op;
}

/** Tie groups of every channel-owning layer (singletons for layers tied to nothing). */
export function tieGroups(graph: OpGraph): TieGroup[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const byName = new Map(graph.ops.map((op) => [op.name, op]));
  for (const op of graph.ops) parent.set(op.name, op.name);
  for (const op of graph.ops) {
    if (op.kind !== 'add') continue;
    const sources = op.inputs.map((i) => channelSource(graph, i)?.name ?? i);
    for (const s of sources) union(s, op.name);
  }
  const outputs = new Set(graph.outputs.map((o) => channelSource(graph, o)?.name ?? o));
  const members = new Map<string, OpNode[]>();
  for (const op of graph.ops) {
    const root = find(op.name);
    members.set(root, [...(members.get(root) ?? []), op]);
  }
  const groups: TieGroup[] = [];
  for (const ops of members.values()) {
    const owners = ops.filter((o) => o.ownsChannels);
    if (owners.length === 0) continue;
    const fixedMember = ops.some((o) => o.kind === 'input' || o.kind === 'concat' || outputs.has(o.name));
    groups.push({
      owners: owners.map((o) => o.name),
      width: Math.max(...owners.map((o) => o.outChannels)),
      resizable: !fixedMember && owners.every((o) => byName.get(o.name)?.outChannels === owners[0]?.outChannels),
    });
  }
  return groups;
}
