/** SeparableConv2D latency features: the depthwise and pointwise halves as separate work terms. */
import type { LatencyFamily } from './types.js';
import { MEGA, positions, roundUp } from './types.js';

export const separableFamily: LatencyFamily = {
  name: 'separable',
  featureNames: ['overhead', 'depthwise mflop', 'pointwise mflop', 'mflop·unaligned', 'mbyte'],
  stepsIn: true,
  stepsOut: true,
  features(g, aIn, aOut, batch, steps, unaligned) {
    const mid = roundUp(aIn, steps.qIn) * g.depthMultiplier;
    const o = roundUp(aOut, steps.qOut);
    const out = positions(g.outputShape);
    const dw = 2 * batch * out * g.kernel[0] * g.kernel[1] * mid * MEGA;
    const pw = 2 * batch * out * mid * o * MEGA;
    const bytes = 4 * batch * (positions(g.inputShapes[0] ?? []) * mid / g.depthMultiplier + out * (2 * mid + o)) * MEGA;
    return [1, dw, pw, unaligned ? dw + pw : 0, bytes];
  },
};
