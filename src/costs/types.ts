/**
 * The cost-function interface that MorphNet's regularizer sees: for each op, the cost as a function of
 * its alive input and output channels, and the first-order derivatives of that cost in them.
 */
import type { OpAlive } from '../graph/alive.js';
import type { OpNode } from '../graph/types.js';

/** The unit a cost target is measured in. */
export type CostUnit = 'FLOPs' | 'weights' | 'bytes' | 'ms';

/** ∂cost/∂alive for each input of an op and for its output. */
export interface CostGradient {
  readonly in: readonly number[];
  readonly out: number;
}

/** One op's cost: its value at alive counts, and its marginal cost per alive channel there. */
export interface OpCostFunction {
  value(alive: OpAlive): number;
  gradient(alive: OpAlive): CostGradient;
}

/** A cost target (flops, size, memory, roofline, latency): a cost function for each op of a graph. */
export interface CostTarget {
  /** As the user spells it: `flops`, `roofline:V100`, `latency`. */
  readonly name: string;
  readonly unit: CostUnit;
  /** A constant added once to a network's total (a latency calibration's fixed part); 0 when absent. */
  readonly fixedCost?: number;
  forOp(op: OpNode): OpCostFunction;
  /**
   * The channel counts this target's price of `op` was measured up to (a latency profile's sweep of the
   * op's configuration), where it was measured; absent on targets priced by formula at any width.
   */
  sweptRange?(op: OpNode): ChannelRange | undefined;
}

/** The widest alive input and output channels a measurement covered. */
export interface ChannelRange {
  readonly maxIn: number;
  readonly maxOut: number;
}

/** The analytic measures of one op kind, per MorphNet: FLOPs, weights, and bytes moved, all fp32. */
export interface OpMeasures {
  flops(op: OpNode, alive: OpAlive, batch: number): number;
  weights(op: OpNode, alive: OpAlive): number;
  bytes(op: OpNode, alive: OpAlive, batch: number): number;
}
