/** Conv2D: FLOPs 2·b·H_out·W_out·kh·kw·A_in·A_out, weights kh·kw·A_in·A_out. */
import type { OpMeasures } from '../types.js';
import { BYTES_PER_VALUE, inputPositions, kernelArea, outputPositions } from './geometry.js';

export const conv2dMeasures: OpMeasures = {
  flops(op, alive, batch) {
    return 2 * batch * outputPositions(op) * kernelArea(op) * (alive.in[0] ?? 0) * alive.out;
  },
  weights(op, alive) {
    return kernelArea(op) * (alive.in[0] ?? 0) * alive.out;
  },
  bytes(op, alive, batch) {
    const activations = batch * (inputPositions(op) * (alive.in[0] ?? 0) + outputPositions(op) * alive.out);
    return BYTES_PER_VALUE * (activations + this.weights(op, alive));
  },
};
