/**
 * The latency of an op a profile did not sweep comes from the swept ops of its family nearest to it:
 * in spatial size, and in input and output width.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { latencyTarget } from '../src/costs/latency/target.js';
import { latencyFamilyFor } from '../src/costs/latency/registry.js';
import { isUnaligned } from '../src/costs/latency/types.js';
import { buildGraph } from '../src/graph/index.js';
import type { OpProfile, Sample } from '../src/profile/schema.js';
import { modelSweepItems } from '../profilers/sweep.js';
import { fittedProfileOf } from './helpers/profiles.js';

const backend = await initBackend('cpu');

/** A one-dense-layer model reading `inputs` features. */
function denseModel(inputs: number, activation: 'linear' | 'softmax' | 'sigmoid'): tfl.LayersModel {
  const input = tfl.input({ shape: [inputs] });
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 10, activation }).apply(input) as tfl.SymbolicTensor });
}

/** The swept op of `model`'s dense layer, its samples following ms = overhead + msPerMflop · MFLOP. */
function sweptDense(model: tfl.LayersModel, overhead: number, msPerMflop: number): OpProfile {
  const item = modelSweepItems(model).find((i) => i.geometry.kind === 'dense')!;
  const family = latencyFamilyFor('dense');
  const samples: Sample[] = [];
  for (let k = 0; k < 30; k++) {
    const aIn = Math.max(1, Math.round(item.maxIn * (0.1 + (0.9 * ((k * 7) % 30)) / 29)));
    const aOut = 1 + ((k * 3) % 10);
    const [, mflop = 0] = family.features(item.geometry, aIn, aOut, 1, { qIn: 1, qOut: 1 }, isUnaligned(aIn, aOut));
    samples.push([aIn, aOut, overhead + msPerMflop * mflop, null]);
  }
  return { signature: item.signature, geometry: item.geometry, maxIn: item.maxIn, maxOut: item.maxOut, layers: [], samples, heldOut: [], fit: null };
}

describe('latency of an op not swept', () => {
  test('a wide dense head is priced by the swept head nearest in input width, not by a narrow one of the same outputs', () => {
    // A narrow dense op whose time is all overhead, and a wide one whose time follows its work; both 10 outputs.
    const profile = fittedProfileOf(backend.identity, [sweptDense(denseModel(128, 'linear'), 0.4, 0.01), sweptDense(denseModel(3136, 'softmax'), 0.1, 1)]);
    const target = latencyTarget(profile);
    const head = buildGraph(denseModel(2940, 'sigmoid')).ops.find((o) => o.kind === 'dense')!;
    expect(target.sourceOf(head)).toBe('neighbours');
    const ms = target.forOp(head).value({ in: [2940], out: 10 });
    const wideLaw = 0.1 + (2 * 2940 * 10) / 1e6;
    expect(ms / wideLaw).toBeGreaterThan(0.9);
    expect(ms / wideLaw).toBeLessThan(1.1);
    // And a narrow head is priced by the narrow op.
    const narrow = buildGraph(denseModel(120, 'sigmoid')).ops.find((o) => o.kind === 'dense')!;
    expect(target.forOp(narrow).value({ in: [120], out: 10 }) / 0.4).toBeCloseTo(1, 1);
  });
});
