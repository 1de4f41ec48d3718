/**
 * MorphNet's channel groups: channels that must live or die together (a conv's output through its BN and
 * activation, every input of a residual Add, a depthwise conv's input and output), each group with the
 * sources whose values regularize it. Grouping handlers, one per kind of op behaviour, declare the ties.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { OpGraph, OpNode } from '../graph/types.js';

/**
 * What regularizes a channel: the |γ| of a BatchNormalization (`gamma-l1`), or the L2 norm of a
 * channel-owning layer's kernel slice for that output channel (`group-lasso`). Group-Lasso sources
 * regularize only groups that have no gamma source.
 */
export type SourceKind = 'gamma-l1' | 'group-lasso';

/**
 * Why a group's channels are never shrunk: they are the model's input, they are a model output (the
 * logits), or nothing regularizes them.
 */
export type FixedReason = 'model-input' | 'model-output' | 'no-source';

/** One op's channels in a group: for each position of the group, the op's output channels there. */
export interface GroupMember {
  readonly op: string;
  /** `channels[j]`: the op's output channels at group position `j` (one, or several after a depthwise multiplier or a Flatten). */
  readonly channels: readonly (readonly number[])[];
}

/** A layer whose channel values regularize a group. */
export interface GroupSource {
  readonly kind: SourceKind;
  /** The BatchNormalization (gamma-l1) or conv/separable/dense layer (group-lasso). */
  readonly layer: string;
  /** `channels[j]`: the layer's channels whose values regularize group position `j` (their max). */
  readonly channels: readonly (readonly number[])[];
}

/**
 * Channels tied together. Position `j` of every member is one channel of the network: it is alive when
 * any source value at `j` is above the threshold, and its regularization value is the max over them.
 */
export interface ChannelGroup {
  /** Index in `Grouping.groups`. */
  readonly id: number;
  /** Number of positions (independent channels) in the group. */
  readonly width: number;
  /** Every op with output channels in the group, in graph order. */
  readonly members: readonly GroupMember[];
  /** The sources that regularize the group; empty when it is fixed. */
  readonly sources: readonly GroupSource[];
  /** Why the group is never shrunk, or null when it is regularized. */
  readonly fixed: FixedReason | null;
}

/** Where one channel lives: its group and its position in the group. */
export interface ChannelRef {
  readonly group: number;
  readonly position: number;
}

/** The group of each channel an op reads and writes. */
export interface OpChannels {
  readonly out: readonly ChannelRef[];
  /** One list per input: the channels of the op that produces it. */
  readonly in: readonly (readonly ChannelRef[])[];
}

/** The channel groups of an op graph. */
export interface Grouping {
  readonly graph: OpGraph;
  readonly groups: readonly ChannelGroup[];
  /** For every op, by name. */
  readonly channels: ReadonlyMap<string, OpChannels>;
}

/** What a grouping handler may do while the walk visits one op. */
export interface GroupingContext {
  /** The op's layer configuration (as `configOf` reads it). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Ties output channel `out` of the op to channel `channel` of its input number `input`. */
  tie(out: number, input: number, channel: number): void;
  /** Declares the op's own output channels a regularization source: channel c by the layer's value c. */
  source(kind: SourceKind): void;
  /** Declares the op's output channels never shrunk. */
  fix(reason: FixedReason): void;
}

/** The grouping behaviour of a kind of op (morph-net's op handler). */
export interface GroupingHandler {
  /** As morph-net would name it: `BatchNormSourceHandler`, `PassThroughHandler`, ... */
  readonly name: string;
  group(op: OpNode, context: GroupingContext): void;
}

/** The per-channel values of one source kind, as differentiable tensors of a layer's variables. */
export interface OpRegularizer {
  readonly kind: SourceKind;
  /** One value ≥ 0 per output channel of `layer`. */
  channelValues(layer: tfl.layers.Layer): tf.Tensor1D;
}

/** How the network regularizer decides alive channels and refreshes its derivatives. */
export interface NetworkRegularizerOptions {
  /** A channel is alive while its regularization value is above this (default 1e-2, morph-net's gamma threshold). */
  readonly threshold?: number;
  /**
   * `term()` recomputes the alive counts and ∂cost/∂alive every this many calls, from one read of the
   * regularization vector (default 1: every training step). Raise it where a read stalls the device.
   */
  readonly refreshEvery?: number;
  /**
   * Weigh the alive channels of a group the shrunk model can drop whole (a residual body, a concat
   * tower) by at least the secant to removal: what removing the group saves, where that is more than
   * their derivatives say (default true). It is how fixed per-layer costs reach the regularizer.
   */
  readonly removalCost?: boolean;
  /**
   * Each group the shrunk model keeps spares its strongest channels, this share of its width rounded up
   * (default 0: none, as MorphNet): they weigh nothing, so no such group is starved below it.
   * Groups that can be removed whole are not spared.
   */
  readonly minWidthRatio?: number;
}

/** One group as the regularizer sees it now, by position. */
export interface GroupState {
  readonly group: number;
  /** The max over the group's source values; 0 for a fixed group. */
  readonly regularization: readonly number[];
  /** True above the threshold; always true for a fixed group. */
  readonly alive: readonly boolean[];
  /**
   * ∂cost/∂alive of one channel at this position, at the current alive counts, raised to the secant to
   * removal in a removable group (what `term()` weighs it by); 0 for a spared channel (`minWidthRatio`).
   */
  readonly marginalCost: readonly number[];
}
