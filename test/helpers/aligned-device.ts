/** A made-up device for snapping tests: FLOPs in ms/1e6, twice that for a conv whose output channels are not a multiple of 8. */
import { flopsTarget } from '../../src/costs/index.js';
import type { CostTarget } from '../../src/costs/index.js';

export function alignedDevice(): CostTarget {
  const flops = flopsTarget();
  return {
    name: 'aligned',
    unit: 'ms',
    forOp(op) {
      const f = flops.forOp(op);
      const penalty = (out: number): number => (op.ownsChannels && out % 8 !== 0 ? 2 : 1);
      return { value: (a) => (f.value(a) * penalty(a.out)) / 1e6, gradient: (a) => ({ in: f.gradient(a).in.map((x) => x / 1e6), out: f.gradient(a).out / 1e6 }) };
    },
  };
}
