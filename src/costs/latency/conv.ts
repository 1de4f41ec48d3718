/** Conv2D latency features: overhead, MFLOPs, MB moved, and both again when channels are unaligned. */
import type { LatencyFamily } from './types.js';
import { MEGA, positions, roundUp } from './types.js';

export const convFamily: LatencyFamily = {
  name: 'conv',
  featureNames: ['overhead', 'mflop', 'mflop·unaligned', 'mbyte', 'mbyte·unaligned'],
  stepsIn: true,
  stepsOut: true,
  features(g, aIn, aOut, batch, steps, unaligned) {
    const i = roundUp(aIn, steps.qIn);
    const o = roundUp(aOut, steps.qOut);
    const kk = g.kernel[0] * g.kernel[1];
    const flops = 2 * batch * positions(g.outputShape) * kk * i * o * MEGA;
    const bytes = 4 * (batch * (positions(g.inputShapes[0] ?? []) * i + positions(g.outputShape) * o) + kk * i * o) * MEGA;
    const u = unaligned ? 1 : 0;
    return [1, flops, flops * u, bytes, bytes * u];
  },
};
