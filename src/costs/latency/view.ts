/** Latency features of ops that move no data at inference (Input, Flatten, Reshape, Dropout): overhead. */
import type { LatencyFamily } from './types.js';
import { MEGA, positions } from './types.js';

export const viewFamily: LatencyFamily = {
  name: 'view',
  featureNames: ['overhead', 'mbyte'],
  stepsIn: false,
  stepsOut: false,
  features(g, _aIn, aOut, batch) {
    return [1, 4 * batch * positions(g.outputShape) * aOut * MEGA];
  },
};
