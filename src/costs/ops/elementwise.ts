/**
 * Ops that only move activations (BatchNormalization, activations, Add, Concatenate, pooling, padding):
 * no FLOPs or weights in MorphNet's count, and bytes for every activation input and the output.
 * BatchNormalization's parameters are not counted.
 */
import type { OpMeasures } from '../types.js';
import { BYTES_PER_VALUE, inputPositions, outputPositions } from './geometry.js';

export const elementwiseMeasures: OpMeasures = {
  flops() {
    return 0;
  },
  weights() {
    return 0;
  },
  bytes(op, alive, batch) {
    const inputs = alive.in.reduce((sum, a, i) => sum + inputPositions(op, i) * a, 0);
    return BYTES_PER_VALUE * batch * (inputs + outputPositions(op) * alive.out);
  },
};
