import { describe, expect, test } from 'vitest';
import { buildGraph, propagateAlive } from '../src/graph/index.js';
import { latencyTarget } from '../src/costs/latency/target.js';
import { modelSweepItems } from '../profilers/sweep.js';
import { latencyFamilyFor } from '../src/costs/latency/registry.js';
import { isUnaligned } from '../src/costs/latency/types.js';
import type { DeviceProfile, OpProfile, Sample } from '../src/profile/schema.js';
import { initBackend } from '../src/backends/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { fittedProfileOf } from './helpers/profiles.js';

const backend = await initBackend('cpu');

/** A profile of `model` whose samples follow a known smooth law (no staircase), fitted as usual. */
function syntheticProfile(name: string): { profile: DeviceProfile; graph: ReturnType<typeof buildGraph> } {
  const model = zooEntry(name).build();
  const graph = buildGraph(model);
  const ops: OpProfile[] = modelSweepItems(model, { graph }).map((item) => {
    const family = latencyFamilyFor(item.geometry.kind);
    const samples: Sample[] = [];
    for (let k = 0; k < 24; k++) {
      const aIn = Math.max(1, Math.round(item.maxIn * (0.25 + (0.75 * ((k * 7) % 24)) / 23)));
      const aOut = family.name === 'conv' || family.name === 'dense' ? Math.max(1, Math.round(item.maxOut * (0.25 + (0.75 * ((k * 5) % 24)) / 23))) : aIn * item.geometry.depthMultiplier;
      const f = family.features(item.geometry, aIn, aOut, 1, { qIn: 1, qOut: 1 }, isUnaligned(aIn, aOut));
      const coef = [0.01, 0.05, 0, 0.02, 0].slice(0, f.length);
      samples.push([aIn, aOut, 0.001 + f.reduce((s, x, i) => s + x * (coef[i] ?? 0), 0), null]);
    }
    return { signature: item.signature, geometry: item.geometry, maxIn: item.maxIn, maxOut: item.maxOut, layers: [...item.layers], samples, heldOut: [], fit: null };
  });
  return { profile: fittedProfileOf(backend.identity, ops, { scale: 1.3, perOpMs: 0, offsetMs: 0.2, points: 3 }), graph };
}

describe('latency target derivatives', () => {
  test.each(['resnet-mini', 'mobilenet-mini', 'inception-mini'])('%s: gradients match finite differences of the cost', (name) => {
    const { profile, graph } = syntheticProfile(name);
    const target = latencyTarget(profile);
    const alive = propagateAlive(graph);
    let checked = 0;
    for (const op of graph.ops) {
      if (op.kind === 'input') continue;
      const fn = target.forOp(op);
      const a = alive.get(op.name)!;
      const at = { in: a.in.map((x) => Math.max(8, x - (x % 4))), out: Math.max(8, a.out - (a.out % 4)) };
      const g = fn.gradient(at);
      const step = Math.max(4, profile.ops.find((o) => o.layers.includes(op.name))?.fit?.qOut ?? 1);
      const fd = (fn.value({ in: at.in, out: at.out + step }) - fn.value(at)) / step;
      expect(g.out, op.name).toBeGreaterThanOrEqual(0);
      expect(Math.abs(g.out - fd), `${op.name} ${JSON.stringify(at)} ${g.out} ${fd}`).toBeLessThanOrEqual(0.05 * Math.abs(fd) + 1e-9);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  test('the marginal cost of a conv channel is positive even on a staircase', () => {
    const { profile, graph } = syntheticProfile('plain-cnn');
    const conv = profile.ops.find((o) => o.geometry.kind === 'conv2d')!;
    const fit = { ...conv.fit!, qOut: 16, residuals: [] };
    const target = latencyTarget({ ...profile, ops: profile.ops.map((o) => (o === conv ? { ...o, fit } : o)) });
    const op = graph.ops.find((o) => o.kind === 'conv2d' && o.name === conv.layers[0])!;
    for (const out of [17, 20, 24, 31]) {
      expect(target.forOp(op).gradient({ in: [op.inChannels], out }).out).toBeGreaterThan(0);
    }
  });

  test('the calibration scales values and derivatives alike and adds its constant once', () => {
    const { profile, graph } = syntheticProfile('resnet-mini');
    const scaled = latencyTarget(profile);
    const raw = latencyTarget({ ...profile, calibration: null });
    const op = graph.ops.find((o) => o.kind === 'conv2d')!;
    const at = { in: [op.inChannels], out: op.outChannels };
    expect(scaled.forOp(op).value(at)).toBeCloseTo(1.3 * raw.forOp(op).value(at), 9);
    expect(scaled.forOp(op).gradient(at).out).toBeCloseTo(1.3 * raw.forOp(op).gradient(at).out, 9);
    expect(scaled.fixedCost).toBe(0.2);
  });

  test('a hidden per-op time comes off every op before scaling; an op that it covers costs nothing at the margin', () => {
    const { profile, graph } = syntheticProfile('resnet-mini');
    const raw = latencyTarget({ ...profile, calibration: null });
    const convs = graph.ops.filter((o) => o.kind === 'conv2d');
    const full = (op: (typeof convs)[number]) => ({ in: [op.inChannels], out: op.outChannels });
    const times = convs.map((op) => raw.forOp(op).value(full(op))).sort((a, b) => a - b);
    const hiddenMs = times[Math.floor(times.length / 2)]!;
    const hidden = latencyTarget({ ...profile, calibration: { scale: 1.3, perOpMs: 0, offsetMs: 0.2, points: 3, hiddenMs } });
    let covered = 0;
    let visible = 0;
    for (const op of convs) {
      const at = full(op);
      const alone = raw.forOp(op).value(at);
      expect(hidden.forOp(op).value(at), op.name).toBeCloseTo(1.3 * Math.max(0, alone - hiddenMs), 9);
      const g = hidden.forOp(op).gradient(at);
      if (alone <= hiddenMs) {
        expect(g.out, op.name).toBe(0);
        covered++;
      } else {
        expect(g.out, op.name).toBeCloseTo(1.3 * raw.forOp(op).gradient(at).out, 9);
        visible++;
      }
    }
    expect(covered).toBeGreaterThan(0);
    expect(visible).toBeGreaterThan(0);
  });
});
