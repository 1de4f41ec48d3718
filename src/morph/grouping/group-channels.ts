/**
 * The grouping walk: visits the ops in graph order, lets each op's handler tie its output channels to its
 * inputs' channels (union-find over every output channel of every op), then gathers the tied channels
 * into groups. Channels whose ties reach the same set of ops form one group, aligned by position.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UnsupportedLayerError } from '../../errors.js';
import { buildGraph, configOf } from '../../graph/build.js';
import type { OpGraph, OpNode } from '../../graph/types.js';
import type {
  ChannelGroup,
  ChannelRef,
  FixedReason,
  GroupMember,
  GroupSource,
  Grouping,
  GroupingContext,
  OpChannels,
  SourceKind,
} from '../types.js';
import { groupingHandlerFor } from './registry.js';

/** How to group channels. */
export interface GroupingOptions {
  /** The layer configuration of an op by name (default: empty, so every BN is taken to have gammas). */
  readonly layerConfig?: (name: string) => Readonly<Record<string, unknown>>;
}

class ChannelUnion {
  private readonly parent: Int32Array;

  constructor(size: number) {
    this.parent = Int32Array.from({ length: size }, (_, i) => i);
  }

  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) {
      const up = this.parent[root] as number;
      this.parent[root] = this.parent[up] as number;
      root = up;
    }
    return root;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

interface Declarations {
  readonly sources: { readonly op: OpNode; readonly kind: SourceKind }[];
  readonly fixed: Map<string, FixedReason>;
}

function runHandlers(graph: OpGraph, start: ReadonlyMap<string, number>, union: ChannelUnion, layerConfig: GroupingOptions['layerConfig']): Declarations {
  const byName = new Map(graph.ops.map((op) => [op.name, op]));
  const declarations: Declarations = { sources: [], fixed: new Map() };
  for (const op of graph.ops) {
    const base = start.get(op.name) ?? 0;
    const producers = op.inputs.map((name) => byName.get(name));
    const context: GroupingContext = {
      config: layerConfig?.(op.name) ?? {},
      tie(out, input, channel) {
        const producer = producers[input];
        const valid = producer !== undefined && out >= 0 && out < op.outChannels && channel >= 0 && channel < producer.outChannels;
        if (!valid) {
          throw new UnsupportedLayerError(
            op.name,
            op.className,
            `channel grouping cannot tie output channel ${out} to channel ${channel} of input ${input}`,
          );
        }
        union.union(base + out, (start.get(producer.name) ?? 0) + channel);
      },
      source(kind) {
        declarations.sources.push({ op, kind });
      },
      fix(reason) {
        declarations.fixed.set(op.name, reason);
      },
    };
    groupingHandlerFor(op.kind).group(op, context);
  }
  for (const name of graph.outputs) if (!declarations.fixed.has(name)) declarations.fixed.set(name, 'model-output');
  return declarations;
}

/**
 * The group and position of every op's output channel. Tied channels are one class; classes that reach
 * the same ops form a group, numbered by first appearance in graph order, positions in channel order.
 */
function channelRefs(graph: OpGraph, start: ReadonlyMap<string, number>, union: ChannelUnion): Map<string, ChannelRef[]> {
  const classOfRoot = new Map<number, number>();
  const opsOfClass: number[][] = [];
  graph.ops.forEach((op, index) => {
    const base = start.get(op.name) ?? 0;
    for (let c = 0; c < op.outChannels; c++) {
      const root = union.find(base + c);
      let k = classOfRoot.get(root);
      if (k === undefined) {
        k = opsOfClass.length;
        classOfRoot.set(root, k);
        opsOfClass.push([]);
      }
      const ops = opsOfClass[k] as number[];
      if (ops[ops.length - 1] !== index) ops.push(index);
    }
  });
  const groupOfSignature = new Map<string, { group: number; width: number }>();
  const refOfClass = opsOfClass.map((ops): ChannelRef => {
    const signature = ops.join(',');
    let entry = groupOfSignature.get(signature);
    if (entry === undefined) {
      entry = { group: groupOfSignature.size, width: 0 };
      groupOfSignature.set(signature, entry);
    }
    return { group: entry.group, position: entry.width++ };
  });
  return new Map(
    graph.ops.map((op) => {
      const base = start.get(op.name) ?? 0;
      return [op.name, Array.from({ length: op.outChannels }, (_, c) => refOfClass[classOfRoot.get(union.find(base + c)) ?? 0] as ChannelRef)];
    }),
  );
}

function widthsOf(refs: ReadonlyMap<string, readonly ChannelRef[]>): number[] {
  const widths: number[] = [];
  for (const list of refs.values()) for (const r of list) widths[r.group] = Math.max(widths[r.group] ?? 0, r.position + 1);
  return widths;
}

/** An op's output channels split by group: for each group it reaches, its channels at each position. */
function channelsByGroup(refs: readonly ChannelRef[], widths: readonly number[]): Map<number, number[][]> {
  const byGroup = new Map<number, number[][]>();
  refs.forEach((ref, c) => {
    let lists = byGroup.get(ref.group);
    if (lists === undefined) {
      lists = Array.from({ length: widths[ref.group] ?? 0 }, () => []);
      byGroup.set(ref.group, lists);
    }
    lists[ref.position]?.push(c);
  });
  return byGroup;
}

/**
 * The channel groups of `graph`. An op kind the grouping has no handler for, or a Reshape that mixes
 * channels, raises UnsupportedLayerError naming the layer and its class.
 */
export function groupChannels(graph: OpGraph, options: GroupingOptions = {}): Grouping {
  const start = new Map<string, number>();
  let total = 0;
  for (const op of graph.ops) {
    start.set(op.name, total);
    total += op.outChannels;
  }
  const union = new ChannelUnion(total);
  const declarations = runHandlers(graph, start, union, options.layerConfig);
  const refs = channelRefs(graph, start, union);
  const widths = widthsOf(refs);

  const members: GroupMember[][] = widths.map(() => []);
  const sources: GroupSource[][] = widths.map(() => []);
  const fixed: (FixedReason | null)[] = widths.map(() => null);
  for (const op of graph.ops) {
    const reason = declarations.fixed.get(op.name);
    for (const [group, channels] of channelsByGroup(refs.get(op.name) ?? [], widths)) {
      members[group]?.push({ op: op.name, channels });
      if (reason !== undefined) fixed[group] ??= reason;
    }
  }
  for (const { op, kind } of declarations.sources) {
    for (const [group, channels] of channelsByGroup(refs.get(op.name) ?? [], widths)) {
      sources[group]?.push({ kind, layer: op.name, channels });
    }
  }

  const groups = widths.map((width, id): ChannelGroup => {
    const all = sources[id] ?? [];
    const gammas = all.filter((s) => s.kind === 'gamma-l1');
    const chosen = gammas.length > 0 ? gammas : all;
    const reason = fixed[id] ?? (chosen.length === 0 ? 'no-source' : null);
    return {
      id,
      width,
      members: members[id] ?? [],
      sources: reason === null ? chosen : [],
      fixed: reason,
    };
  });

  const channels = new Map<string, OpChannels>(
    graph.ops.map((op) => [op.name, { out: refs.get(op.name) ?? [], in: op.inputs.map((i) => refs.get(i) ?? []) }]),
  );
  return { graph, groups, channels };
}

/** The op graph of `model` and its channel groups, with each layer's configuration. */
export function groupModelChannels(model: tfl.LayersModel): Grouping {
  // model.layers, not getLayer: a Sequential model's implicit InputLayer is an op but not one of its layers.
  const layers = new Map(model.layers.map((layer) => [layer.name, layer]));
  return groupChannels(buildGraph(model), { layerConfig: (name) => { const layer = layers.get(name); return layer === undefined ? {} : configOf(layer); } });
}
