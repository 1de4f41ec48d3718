/**
 * SeparableConv2D: a depthwise convolution to A_in·m channels, then a 1x1 convolution to A_out. Its
 * bytes include writing and reading the intermediate feature map.
 */
import type { OpMeasures } from '../types.js';
import { BYTES_PER_VALUE, inputPositions, kernelArea, outputPositions } from './geometry.js';

export const separableMeasures: OpMeasures = {
  flops(op, alive, batch) {
    const mid = (alive.in[0] ?? 0) * op.depthMultiplier;
    return 2 * batch * outputPositions(op) * (kernelArea(op) * mid + mid * alive.out);
  },
  weights(op, alive) {
    const mid = (alive.in[0] ?? 0) * op.depthMultiplier;
    return kernelArea(op) * mid + mid * alive.out;
  },
  bytes(op, alive, batch) {
    const mid = (alive.in[0] ?? 0) * op.depthMultiplier;
    const activations = batch * (inputPositions(op) * (alive.in[0] ?? 0) + outputPositions(op) * (2 * mid + alive.out));
    return BYTES_PER_VALUE * (activations + this.weights(op, alive));
  },
};
