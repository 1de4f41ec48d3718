/**
 * A made-up measured device for snapping tests: FLOPs in ms/1e6, three times that for a 28x28 conv
 * unless it has more than 32 outputs and both its input and output channels are multiples of 4 (a
 * program cliff just past the model's widths, as tfjs-webgpu has on lavapipe at 14x14). Its prices
 * count as measured up to `headroom` times each layer's channels in `graph`.
 */
import { flopsTarget } from '../../src/costs/index.js';
import type { CostTarget } from '../../src/costs/index.js';
import type { OpAlive } from '../../src/graph/alive.js';
import type { OpGraph, OpNode } from '../../src/graph/types.js';

export function cliffDevice(graph: OpGraph, headroom: number): CostTarget {
  const flops = flopsTarget();
  const seed = new Map(graph.ops.map((op) => [op.name, op]));
  const slow = (op: OpNode, a: OpAlive): boolean =>
    op.kind === 'conv2d' && op.outputShape[1] === 28 && !(a.out > 32 && a.out % 4 === 0 && (a.in[0] ?? 0) % 4 === 0);
  return {
    name: 'cliff',
    unit: 'ms',
    forOp(op) {
      const f = flops.forOp(op);
      const scale = (a: OpAlive): number => (slow(op, a) ? 3 : 1) / 1e6;
      return { value: (a) => f.value(a) * scale(a), gradient: (a) => ({ in: f.gradient(a).in.map((x) => x * scale(a)), out: f.gradient(a).out * scale(a) }) };
    },
    sweptRange(op) {
      const at = seed.get(op.name);
      return at === undefined ? undefined : { maxIn: at.inChannels * headroom, maxOut: at.outChannels * headroom };
    },
  };
}
