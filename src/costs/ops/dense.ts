/** Dense: FLOPs 2·b·A_in·A_out (per position when applied to a feature map), weights A_in·A_out. */
import type { OpMeasures } from '../types.js';
import { BYTES_PER_VALUE, inputPositions } from './geometry.js';

export const denseMeasures: OpMeasures = {
  flops(op, alive, batch) {
    return 2 * batch * inputPositions(op) * (alive.in[0] ?? 0) * alive.out;
  },
  weights(_op, alive) {
    return (alive.in[0] ?? 0) * alive.out;
  },
  bytes(op, alive, batch) {
    const activations = batch * inputPositions(op) * ((alive.in[0] ?? 0) + alive.out);
    return BYTES_PER_VALUE * (activations + this.weights(op, alive));
  },
};
