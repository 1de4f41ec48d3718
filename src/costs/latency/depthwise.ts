/** DepthwiseConv2D latency features: one channel axis (output = input · multiplier). */
import type { LatencyFamily } from './types.js';
import { MEGA, positions, roundUp } from './types.js';

export const depthwiseFamily: LatencyFamily = {
  name: 'depthwise',
  featureNames: ['overhead', 'mflop', 'mflop·unaligned', 'mbyte', 'mbyte·unaligned'],
  stepsIn: false,
  stepsOut: true,
  features(g, _aIn, aOut, batch, steps, unaligned) {
    const o = roundUp(aOut, steps.qOut);
    const kk = g.kernel[0] * g.kernel[1];
    const flops = 2 * batch * positions(g.outputShape) * kk * o * MEGA;
    const bytes = 4 * (batch * (positions(g.inputShapes[0] ?? []) * (o / g.depthMultiplier) + positions(g.outputShape) * o) + kk * o) * MEGA;
    const u = unaligned ? 1 : 0;
    return [1, flops, flops * u, bytes, bytes * u];
  },
};
