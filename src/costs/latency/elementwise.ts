/**
 * Latency features of ops that only move activations (BN, activations, Add, Concatenate, pooling,
 * padding): overhead and MB moved, plus MB moved on unaligned channels.
 */
import type { LatencyFamily } from './types.js';
import { MEGA, positions, roundUp } from './types.js';

export const elementwiseFamily: LatencyFamily = {
  name: 'elementwise',
  featureNames: ['overhead', 'mbyte', 'mbyte·unaligned'],
  stepsIn: false,
  stepsOut: true,
  features(g, aIn, aOut, batch, steps, unaligned) {
    const o = roundUp(aOut, steps.qOut);
    const i = roundUp(aIn, steps.qOut);
    const inputs = g.kind === 'concat' ? positions(g.inputShapes[0] ?? []) * i : g.inputShapes.reduce((s, shape) => s + positions(shape) * i, 0);
    const bytes = 4 * batch * (inputs + positions(g.outputShape) * o) * MEGA;
    return [1, bytes, unaligned ? bytes : 0];
  },
};
