/** Dense latency features: a matrix product, whose weights dominate the bytes at batch 1. */
import type { LatencyFamily } from './types.js';
import { MEGA, positions, roundUp } from './types.js';

export const denseFamily: LatencyFamily = {
  name: 'dense',
  featureNames: ['overhead', 'mflop', 'mflop·unaligned', 'mbyte', 'mbyte·unaligned'],
  stepsIn: true,
  stepsOut: true,
  features(g, aIn, aOut, batch, steps, unaligned) {
    const i = roundUp(aIn, steps.qIn);
    const o = roundUp(aOut, steps.qOut);
    const pos = positions(g.inputShapes[0] ?? []);
    const flops = 2 * batch * pos * i * o * MEGA;
    const bytes = 4 * (batch * pos * (i + o) + i * o) * MEGA;
    const u = unaligned ? 1 : 0;
    return [1, flops, flops * u, bytes, bytes * u];
  },
};
