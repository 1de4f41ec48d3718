/**
 * MorphNet's network regularizer: the first-order cost of the network's channels under any cost target.
 * Each channel of the network (a position of a channel group) has a regularization value, the max over
 * its sources (|γ| or a kernel slice's norm), and a marginal cost, the sum over every op that reads or
 * writes it of ∂cost/∂alive there. The term is Σ marginal cost × regularization value; the marginal
 * costs are taken at the current alive counts and held constant, so the gradient flows only through
 * the regularization values.
 *
 * A derivative sees only what one more or one fewer channel costs. A group the shrunk model can drop
 * whole (a residual body, a concat tower) also takes its layers' fixed costs with it (per-kernel
 * overhead, which is most of a small layer's latency on a GPU at batch 1), and no derivative sees
 * those. So for such a group the regularizer weighs its alive channels by at least the secant to
 * removal: where removing the group saves more than the sum of its alive channels' derivatives, the
 * difference is shared evenly among them and weighs on its dead channels too, so they stay dead
 * (`removalCost`, on by default; a cost linear in the channels, like FLOPs, has nothing to add).
 *
 * Cost-weighted L1 starves the layers whose channels cost most, down to one channel where a tight budget
 * asks for it, a bottleneck no width elsewhere makes up for. With `minWidthRatio`, each group the shrunk
 * model keeps spares its strongest channels, that share of its width (rounded up): they weigh nothing,
 * so the target is met by the rest. Removable groups are not spared: they may still go whole.
 *
 * On the training step, `term()` is the sources' value vectors (|γ|, kernel norms) concatenated and
 * dotted with a constant coefficient vector: a source value's coefficient is the marginal cost of its
 * channel when it is that channel's max (shared evenly among tied maxima), else 0. That equals
 * Σ marginal × max, with the max's gradient, without a gather (whose gradient tfjs's cpu backend
 * computes one segment at a time). Every `refreshEvery` calls, the coefficients are rebuilt from one
 * read (dataSync) of the source values the same call computed: channel maxima → alive counts → alive
 * of every op → each op's cost gradient → marginal costs → coefficients. Everything else (groups, which
 * source values belong to which channel, which ops read which channels) is fixed at construction.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { networkCost } from '../costs/network.js';
import type { CostTarget, OpCostFunction } from '../costs/types.js';
import { UsageError } from '../errors.js';
import { propagateAlive } from '../graph/alive.js';
import type { Structure } from '../graph/alive.js';
import { opByName } from '../graph/build.js';
import type { OpGraph } from '../graph/types.js';
import { groupModelChannels } from './grouping/group-channels.js';
import { opRegularizerFor } from './regularizers/registry.js';
import { isBuildable } from './structure/shrunk-topology.js';
import type { ChannelGroup, ChannelRef, GroupState, Grouping, NetworkRegularizerOptions, OpChannels, OpRegularizer } from './types.js';

/** How many channels of each network channel (a group position, numbered across groups) one tensor holds. */
interface ChannelCounts {
  readonly channels: Int32Array;
  readonly counts: Float64Array;
}

interface SourceVector {
  readonly layer: tfl.layers.Layer;
  readonly regularizer: OpRegularizer;
}

/** For each network channel, the indices of its source values: `index[start[k]] … index[start[k+1] − 1]`. */
interface SourceRows {
  readonly start: Int32Array;
  readonly index: Int32Array;
}

function countsOf(refs: readonly ChannelRef[], groupStart: readonly number[]): ChannelCounts {
  const counts = new Map<number, number>();
  for (const r of refs) {
    const k = (groupStart[r.group] ?? 0) + r.position;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return { channels: Int32Array.from(counts.keys()), counts: Float64Array.from(counts.values()) };
}

function checkOptions(options: NetworkRegularizerOptions): void {
  const { threshold, refreshEvery, minWidthRatio } = options;
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= 0)) {
    throw new UsageError(`\`threshold\` must be a finite number ≥ 0, got ${threshold}`);
  }
  if (refreshEvery !== undefined && !(Number.isInteger(refreshEvery) && refreshEvery >= 1)) {
    throw new UsageError(`\`refreshEvery\` must be an integer ≥ 1, got ${refreshEvery}`);
  }
  if (minWidthRatio !== undefined && !(minWidthRatio >= 0 && minWidthRatio < 1)) {
    throw new UsageError(`\`minWidthRatio\` must be a share of a group's width in [0, 1), got ${minWidthRatio}`);
  }
}

/**
 * MorphNet's regularizer of a model for one cost target. Call `term()` inside the optimizer's minimized
 * function (train's `extraLoss`, scaled by a strength); read the learned structure with
 * `aliveStructure()` and its cost with `cost()`. Holds one tensor: `dispose()` when done.
 */
export class NetworkRegularizer {
  readonly graph: OpGraph;
  readonly grouping: Grouping;
  readonly target: CostTarget;
  readonly threshold: number;
  readonly refreshEvery: number;

  private readonly groupStart: readonly number[];
  private readonly channelCount: number;
  private readonly fixedChannels: Uint8Array;
  private readonly sources: readonly SourceVector[];
  private readonly rows: SourceRows;
  private readonly costFunctions: readonly OpCostFunction[];
  private readonly opCounts: readonly { readonly out: ChannelCounts; readonly in: readonly ChannelCounts[] }[];
  private readonly owners: readonly { readonly name: string; readonly out: ChannelCounts }[];
  /** Groups the shrunk model can drop whole, whose channels are weighed by at least the secant to removal. */
  private readonly removable: readonly ChannelGroup[];
  /** Per group: how many of its strongest channels weigh nothing (`minWidthRatio`). */
  private readonly spared: Int32Array;
  private readonly sparing: boolean;
  private coefficients: tf.Tensor1D | undefined;
  private calls = 0;
  /** The marginal costs of the last alive pattern asked for: they change only when a channel dies or revives. */
  private lastMarginal: { readonly key: string; readonly marginal: Float64Array } | undefined;

  /**
   * Groups the model's channels (UnsupportedLayerError for a layer the grouping cannot handle) and
   * prepares the term for `target`. Options: `threshold` (default 1e-2), `refreshEvery` (default 1),
   * `removalCost` (default true), `minWidthRatio` (default 0).
   */
  constructor(model: tfl.LayersModel, target: CostTarget, options: NetworkRegularizerOptions = {}) {
    checkOptions(options);
    this.threshold = options.threshold ?? 1e-2;
    this.refreshEvery = options.refreshEvery ?? 1;
    this.target = target;
    this.grouping = groupModelChannels(model);
    this.graph = this.grouping.graph;
    const groups = this.grouping.groups;

    const groupStart: number[] = [];
    let total = 0;
    for (const g of groups) {
      groupStart.push(total);
      total += g.width;
    }
    this.groupStart = groupStart;
    this.channelCount = total;
    this.fixedChannels = new Uint8Array(total);
    for (const g of groups) {
      const from = groupStart[g.id] ?? 0;
      if (g.fixed !== null) this.fixedChannels.fill(1, from, from + g.width);
    }

    const offsets = new Map<string, number>();
    const sources: SourceVector[] = [];
    let sourceLength = 0;
    for (const s of groups.flatMap((g) => g.sources)) {
      const key = `${s.kind}:${s.layer}`;
      if (offsets.has(key)) continue;
      offsets.set(key, sourceLength);
      sources.push({ layer: model.getLayer(s.layer), regularizer: opRegularizerFor(s.kind) });
      sourceLength += opByName(this.graph, s.layer)?.outChannels ?? 0;
    }
    this.sources = sources;
    const rows = groups.flatMap((g) =>
      Array.from({ length: g.width }, (_, j) => g.sources.flatMap((s) => (s.channels[j] ?? []).map((c) => (offsets.get(`${s.kind}:${s.layer}`) ?? 0) + c))),
    );
    const start = new Int32Array(total + 1);
    rows.forEach((r, k) => (start[k + 1] = (start[k] ?? 0) + r.length));
    this.rows = { start, index: Int32Array.from(rows.flat()) };

    this.costFunctions = this.graph.ops.map((op) => target.forOp(op));
    const channelsOf = (name: string): OpChannels => this.grouping.channels.get(name) ?? { out: [], in: [] };
    this.opCounts = this.graph.ops.map((op) => ({
      out: countsOf(channelsOf(op.name).out, groupStart),
      in: channelsOf(op.name).in.map((r) => countsOf(r, groupStart)),
    }));
    const outputGroups = new Set(groups.filter((g) => g.fixed === 'model-output').map((g) => g.id));
    this.owners = this.graph.ops
      .filter((op) => op.ownsChannels && !channelsOf(op.name).out.some((r) => outputGroups.has(r.group)))
      .map((op) => ({ name: op.name, out: countsOf(channelsOf(op.name).out, groupStart) }));
    const everyChannel = new Uint8Array(total).fill(1);
    this.removable =
      options.removalCost === false
        ? []
        : groups.filter((g) => g.fixed === null && isBuildable(model, this.structureOf(this.withoutGroup(everyChannel, g))));
    const ratio = options.minWidthRatio ?? 0;
    const removableIds = new Set(this.removable.map((g) => g.id));
    this.spared = Int32Array.from(groups, (g) => (g.fixed === null && !removableIds.has(g.id) ? Math.min(g.width, Math.ceil(ratio * g.width)) : 0));
    this.sparing = this.spared.some((k) => k > 0);
  }

  /** The channel groups. */
  get groups(): readonly ChannelGroup[] {
    return this.grouping.groups;
  }

  /**
   * The differentiable regularization term: Σ over the network's channels of ∂cost/∂alive (summed over
   * every op that reads or writes the channel, at the alive counts of the last refresh) × the channel's
   * regularization value. Call inside `optimizer.minimize`; the returned scalar is the caller's.
   */
  term(): tf.Scalar {
    return tf.tidy(() => {
      if (this.sources.length === 0) return tf.scalar(0);
      const values = this.sourceValues();
      let coefficients = this.coefficients;
      if (coefficients === undefined || this.calls % this.refreshEvery === 0) {
        coefficients = this.refresh(Float32Array.from(values.dataSync() as Float32Array));
      }
      this.calls += 1;
      return tf.sum(tf.mul(values, coefficients));
    });
  }

  /**
   * morph-net's alive-count format, `{ "<layer>": count }`, for every conv, separable and dense layer
   * except the logits; tied layers (a residual group) get the same count.
   */
  aliveStructure(): Structure {
    return this.structureOf(this.aliveOf(this.channelValues(this.currentSourceValues())));
  }

  /** For every op, which of its output channels are alive. */
  aliveMasks(): Map<string, boolean[]> {
    const alive = this.aliveOf(this.channelValues(this.currentSourceValues()));
    return new Map(
      this.graph.ops.map((op) => [op.name, (this.grouping.channels.get(op.name)?.out ?? []).map((r) => alive[this.indexOf(r)] === 1)]),
    );
  }

  /** Each group's regularization values, alive flags and marginal costs now. */
  groupStates(): GroupState[] {
    const values = this.channelValues(this.currentSourceValues());
    const alive = this.aliveOf(values);
    const marginal = this.withSpared(values, this.marginalCosts(alive));
    return this.grouping.groups.map((g) => {
      const positions = Array.from({ length: g.width }, (_, j) => (this.groupStart[g.id] ?? 0) + j);
      return {
        group: g.id,
        regularization: positions.map((k) => values[k] ?? 0),
        alive: positions.map((k) => alive[k] === 1),
        marginalCost: positions.map((k) => marginal[k] ?? 0),
      };
    });
  }

  /** The network's cost under the target at the alive structure: `networkCost(graph, target, aliveStructure()).total`. */
  cost(): number {
    return this.costAt(this.aliveOf(this.channelValues(this.currentSourceValues())));
  }

  /** Frees the regularizer's tensor. */
  dispose(): void {
    this.coefficients?.dispose();
    this.coefficients = undefined;
  }

  private indexOf(ref: ChannelRef): number {
    return (this.groupStart[ref.group] ?? 0) + ref.position;
  }

  /** Every source's channel values, concatenated in source order (differentiable). */
  private sourceValues(): tf.Tensor1D {
    return tf.concat(this.sources.map((s) => s.regularizer.channelValues(s.layer)));
  }

  private currentSourceValues(): Float32Array {
    if (this.sources.length === 0) return new Float32Array();
    const t = tf.tidy(() => this.sourceValues());
    const values = Float32Array.from(t.dataSync() as Float32Array);
    t.dispose();
    return values;
  }

  /** The regularization value of every network channel: the max over its source values (0 without any). */
  private channelValues(sourceValues: Float32Array): Float32Array {
    const { start, index } = this.rows;
    const values = new Float32Array(this.channelCount);
    for (let k = 0; k < this.channelCount; k++) {
      let max = 0;
      for (let e = start[k] ?? 0; e < (start[k + 1] ?? 0); e++) max = Math.max(max, sourceValues[index[e] ?? 0] ?? 0);
      values[k] = max;
    }
    return values;
  }

  /** 1 for alive channels: fixed ones, and those whose value is above the threshold. */
  private aliveOf(values: Float32Array): Uint8Array {
    const alive = new Uint8Array(this.channelCount);
    for (let k = 0; k < this.channelCount; k++) alive[k] = this.fixedChannels[k] === 1 || (values[k] ?? 0) > this.threshold ? 1 : 0;
    return alive;
  }

  private structureOf(alive: Uint8Array): Structure {
    const count = (c: ChannelCounts): number => c.channels.reduce((sum, k, i) => sum + (alive[k] === 1 ? (c.counts[i] ?? 0) : 0), 0);
    return Object.fromEntries(this.owners.map((o) => [o.name, count(o.out)]));
  }

  /** The network's cost with the channels of `alive` alive. */
  private costAt(alive: Uint8Array): number {
    return networkCost(this.graph, this.target, this.structureOf(alive)).total;
  }

  /**
   * ∂cost/∂alive of each network channel, summed over the ops that read or write it (raised to the secant
   * to removal in removable groups); 0 for fixed ones. Kept for the last alive pattern.
   */
  private marginalCosts(alive: Uint8Array): Float64Array {
    const key = alive.join('');
    if (this.lastMarginal?.key !== key) this.lastMarginal = { key, marginal: this.computeMarginalCosts(alive) };
    return this.lastMarginal.marginal;
  }

  private computeMarginalCosts(alive: Uint8Array): Float64Array {
    const counts = propagateAlive(this.graph, this.structureOf(alive));
    const marginal = new Float64Array(this.channelCount);
    const add = (c: ChannelCounts, derivative: number): void => {
      c.channels.forEach((k, i) => {
        marginal[k] = (marginal[k] ?? 0) + derivative * (c.counts[i] ?? 0);
      });
    };
    this.graph.ops.forEach((op, i) => {
      const a = counts.get(op.name);
      const f = this.costFunctions[i];
      const c = this.opCounts[i];
      if (a === undefined || f === undefined || c === undefined) return;
      const gradient = f.gradient(a);
      add(c.out, gradient.out);
      c.in.forEach((input, k) => add(input, gradient.in[k] ?? 0));
    });
    for (let k = 0; k < this.channelCount; k++) if (this.fixedChannels[k] === 1) marginal[k] = 0;
    if (this.removable.length > 0) this.addRemovalCosts(alive, marginal);
    return marginal;
  }

  /** `alive` with every channel of group `g` dead. */
  private withoutGroup(alive: Uint8Array, g: ChannelGroup): Uint8Array {
    const without = Uint8Array.from(alive);
    const from = this.groupStart[g.id] ?? 0;
    without.fill(0, from, from + g.width);
    return without;
  }

  /**
   * Raises the marginal costs of each removable group to the secant to removal. With n channels alive,
   * the excess of what removing the group saves over their derivatives is shared evenly, and a dead
   * channel of the group weighs as much as a live one (else it grows back between refreshes as soon as
   * the data loss wants it). With none alive, every channel weighs what bringing back one would cost.
   */
  private addRemovalCosts(alive: Uint8Array, marginal: Float64Array): void {
    const total = this.costAt(alive);
    for (const g of this.removable) {
      const from = this.groupStart[g.id] ?? 0;
      const to = from + g.width;
      let n = 0;
      let derivatives = 0;
      for (let k = from; k < to; k++) {
        if (alive[k] !== 1) continue;
        n += 1;
        derivatives += marginal[k] ?? 0;
      }
      if (n > 0) {
        const excess = (total - this.costAt(this.withoutGroup(alive, g)) - derivatives) / n;
        if (excess > 0) for (let k = from; k < to; k++) marginal[k] = (marginal[k] ?? 0) + excess;
      } else {
        const one = Uint8Array.from(alive);
        one[from] = 1;
        const revival = this.costAt(one) - total;
        for (let k = from; k < to; k++) marginal[k] = Math.max(marginal[k] ?? 0, revival);
      }
    }
  }

  /** `marginal` with each group's spared channels (its strongest, by `values`) at 0. */
  private withSpared(values: Float32Array, marginal: Float64Array): Float64Array {
    if (!this.sparing) return marginal;
    const out = Float64Array.from(marginal);
    for (const g of this.grouping.groups) {
      const k = this.spared[g.id] ?? 0;
      if (k === 0) continue;
      const from = this.groupStart[g.id] ?? 0;
      const strongest = Array.from({ length: g.width }, (_, j) => from + j)
        .sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0))
        .slice(0, k);
      for (const i of strongest) out[i] = 0;
    }
    return out;
  }

  /**
   * New coefficients from the source values: each channel's marginal cost goes to its maximal source
   * values, in equal shares when several tie.
   */
  private refresh(sourceValues: Float32Array): tf.Tensor1D {
    const channels = this.channelValues(sourceValues);
    const marginal = this.withSpared(channels, this.marginalCosts(this.aliveOf(channels)));
    const { start, index } = this.rows;
    const coefficients = new Float32Array(sourceValues.length);
    for (let k = 0; k < this.channelCount; k++) {
      const from = start[k] ?? 0;
      const to = start[k + 1] ?? 0;
      let ties = 0;
      for (let e = from; e < to; e++) if (sourceValues[index[e] ?? 0] === channels[k]) ties++;
      for (let e = from; e < to; e++) {
        const i = index[e] ?? 0;
        if (sourceValues[i] === channels[k]) coefficients[i] = (coefficients[i] ?? 0) + (marginal[k] ?? 0) / ties;
      }
    }
    const previous = this.coefficients;
    this.coefficients = tf.keep(tf.tensor1d(coefficients));
    previous?.dispose();
    return this.coefficients;
  }
}
