/**
 * MorphNet's analytic targets: FLOPs, model size (weights) and memory (bytes moved), per op from the
 * op kind's measures.
 */
import type { OpNode } from '../graph/types.js';
import { oneChannelGradient } from './difference.js';
import { measuresFor } from './ops/registry.js';
import type { CostTarget, CostUnit, OpCostFunction, OpMeasures } from './types.js';

type Measure = (m: OpMeasures, op: OpNode, alive: Parameters<OpCostFunction['value']>[0], batch: number) => number;

function analyticTarget(name: string, unit: CostUnit, batch: number, measure: Measure): CostTarget {
  return {
    name,
    unit,
    forOp(op) {
      const m = measuresFor(op.kind);
      const value = (alive: Parameters<OpCostFunction['value']>[0]): number => measure(m, op, alive, batch);
      return { value, gradient: (alive) => oneChannelGradient(value, alive) };
    },
  };
}

/** FLOPs of a forward pass at batch `batch`. */
export function flopsTarget(batch = 1): CostTarget {
  return analyticTarget('flops', 'FLOPs', batch, (m, op, alive, b) => m.flops(op, alive, b));
}

/** Number of weights (model size). */
export function sizeTarget(): CostTarget {
  return analyticTarget('size', 'weights', 1, (m, op, alive) => m.weights(op, alive));
}

/** Bytes read and written by a forward pass at batch `batch`. */
export function memoryTarget(batch = 1): CostTarget {
  return analyticTarget('memory', 'bytes', batch, (m, op, alive, b) => m.bytes(op, alive, b));
}
