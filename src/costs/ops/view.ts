/** Ops that move no data at inference (Input, Flatten, Reshape, Dropout): they cost nothing. */
import type { OpMeasures } from '../types.js';

export const viewMeasures: OpMeasures = {
  flops() {
    return 0;
  },
  weights() {
    return 0;
  },
  bytes() {
    return 0;
  },
};
