/**
 * The network regularizer's term is MorphNet's first-order cost: Σ over channels of ∂cost/∂alive × the
 * channel's regularization value, with the derivatives held constant. So its gradient in a gamma is
 * ±(the change in the network's cost when the gamma's group gains one alive channel), going only to the
 * max source of a position (split evenly on ties). Checked on a model with a residual group and a
 * depthwise conv, for several targets, against finite differences of networkCost.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, latencyTarget, memoryTarget, networkCost, rooflineTarget, sizeTarget } from '../src/costs/index.js';
import type { CostTarget } from '../src/costs/index.js';
import { propagateAlive } from '../src/graph/index.js';
import type { Structure } from '../src/graph/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import { PROFILE_SCHEMA, parseProfile } from '../src/profile/index.js';
import { DEAD, branchyModel, groupWith, setGammas } from './helpers/morph-models.js';
import { relClose, useCpu } from './helpers/tf.js';

const GAMMAS: Readonly<Record<string, readonly number[]>> = {
  a_bn: [0.5, -0.25, DEAD, 0.75, 0.125, 1],
  b_bn: [0.5, DEAD, 0.0625, DEAD, -0.375],
  p_bn: [0.25, 0.75, DEAD, 0.00390625, 0.125],
  dw_bn: [0.125, 0.5, 0.03125, 0.0078125, 0.25],
  c_bn: [DEAD, 0.5, -0.25, 1],
};
/** Group B's max at each position: b, p, b, dw (dead), b. */
const B_MAX = [0.5, 0.75, 0.0625, 0.0078125, 0.375];
/** The alive structure these gammas give: one channel of A, B and C is dead. */
const STRUCTURE: Structure = { a: 5, b: 4, p: 4, c: 3 };
const OWNERS: Readonly<Record<'A' | 'B' | 'C', readonly string[]>> = { A: ['a'], B: ['b', 'p'], C: ['c'] };

function build(gammas: Readonly<Record<string, readonly number[]>> = GAMMAS): tfl.LayersModel {
  const model = branchyModel();
  for (const [layer, values] of Object.entries(gammas)) setGammas(model, layer, values);
  return model;
}

function gammaVariable(model: tfl.LayersModel, layer: string): tf.Variable {
  return model.getLayer(layer).weights.find((w) => w.originalName.endsWith('/gamma'))?.read() as tf.Variable;
}

/** ∂term/∂γ for every BN, by layer. */
function gammaGradients(model: tfl.LayersModel, reg: NetworkRegularizer): Record<string, number[]> {
  const { value, grads } = tf.variableGrads(() => reg.term());
  const out = Object.fromEntries(
    Object.keys(GAMMAS).map((layer) => [layer, Array.from(grads[gammaVariable(model, layer).name]?.dataSync() ?? [])]),
  );
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** cost(group's owners one channel wider) − cost(now): the finite difference in the group's alive count. */
function finiteDifference(graph: NetworkRegularizer['graph'], target: CostTarget, owners: readonly string[]): number {
  const wider = { ...STRUCTURE, ...Object.fromEntries(owners.map((o) => [o, (STRUCTURE[o] ?? 0) + 1])) };
  return networkCost(graph, target, wider).total - networkCost(graph, target, STRUCTURE).total;
}

function expectClose(actual: readonly number[] | undefined, expected: readonly number[], what: string): void {
  expect(actual?.length, what).toBe(expected.length);
  expected.forEach((e, i) => expect(relClose(actual?.[i] ?? NaN, e, 1e-5), `${what}[${i}]: ${actual?.[i]} vs ${e}`).toBe(true));
}

beforeAll(useCpu);

/** A device profile with only a measured roofline (50 GFLOP/s, 10 GB/s, 5 µs per op) and a calibration. */
const ROOFLINE_PROFILE = parseProfile({
  schema: PROFILE_SCHEMA,
  name: 'test-roofline',
  status: 'complete',
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  device: { backend: 'cpu', tfjsBackend: 'cpu', tfjsVersion: '4.22.0', runtime: 'node', os: 'linux', cpuModel: 'test', cpuCores: 1, threads: 1 },
  batch: 1,
  budgetSeconds: 1,
  profilingSeconds: 1,
  model: null,
  roofline: { gflops: { conv2d: 50 }, bandwidthGBps: 10, overheadUs: 5 },
  ops: [],
  families: [],
  calibration: { scale: 1.5, perOpMs: 0.01, offsetMs: 0.2, points: 3 },
  calibrationPoints: [],
  validation: { heldOutPoints: null, endToEnd: null, endToEndPoints: [] },
  done: [],
});

const TARGETS: readonly (readonly [string, () => CostTarget])[] = [
  ['flops', () => flopsTarget()],
  ['roofline:V100', () => rooflineTarget('V100')],
  ['roofline:K80 at batch 8', () => rooflineTarget('K80', 8)],
  ['memory', () => memoryTarget()],
  ['size', () => sizeTarget()],
  ['latency from a device profile (its measured roofline, calibrated)', () => latencyTarget(ROOFLINE_PROFILE)],
];

describe('∂term/∂γ equals the finite difference of the cost in the group\'s alive count', () => {
  test.each(TARGETS)('%s', (_name, makeTarget) => {
    const model = build();
    const target = makeTarget();
    const reg = new NetworkRegularizer(model, target);
    expect(reg.aliveStructure()).toEqual(STRUCTURE);
    const fd = { A: finiteDifference(reg.graph, target, OWNERS.A), B: finiteDifference(reg.graph, target, OWNERS.B), C: finiteDifference(reg.graph, target, OWNERS.C) };
    for (const fdValue of Object.values(fd)) expect(fdValue).toBeGreaterThan(0);

    const states = reg.groupStates();
    for (const [group, owners] of Object.entries(OWNERS)) {
      const state = states[groupWith(reg.groups, owners[0] as string).id];
      expectClose(state?.marginalCost, Array<number>(state?.marginalCost.length ?? 0).fill(fd[group as 'A' | 'B' | 'C']), `marginal ${group}`);
    }

    const g = gammaGradients(model, reg);
    expectClose(g['a_bn'], [1, -1, 1, 1, 1, 1].map((s) => s * fd.A), 'a_bn');
    // group B: only the max source of each position gets the gradient
    expectClose(g['b_bn'], [fd.B, 0, fd.B, 0, -fd.B], 'b_bn');
    expectClose(g['p_bn'], [0, fd.B, 0, 0, 0], 'p_bn');
    expectClose(g['dw_bn'], [0, 0, 0, fd.B, 0], 'dw_bn');
    expectClose(g['c_bn'], [1, 1, -1, 1].map((s) => s * fd.C), 'c_bn');
    expect(reg.cost()).toBe(networkCost(reg.graph, target, STRUCTURE).total);
    reg.dispose();
  });
});

describe('flops (bilinear): the term is Σ ∂cost/∂alive × regularization', () => {
  let model: tfl.LayersModel;
  let reg: NetworkRegularizer;
  const sumA = 0.5 + 0.25 + DEAD + 0.75 + 0.125 + 1;
  const sumB = B_MAX.reduce((x, y) => x + y, 0);
  const sumC = DEAD + 0.5 + 0.25 + 1;

  beforeAll(() => {
    model = build();
    reg = new NetworkRegularizer(model, flopsTarget());
  });

  test('by hand: A = 2·64·9·3 + 2·64·9·4 + 2·64·4, B = 2·64·9·5 + 2·64·5 + 2·64·9 + 2·64·3, C = 2·64·4 + 2·3', () => {
    const states = reg.groupStates();
    expect(states[groupWith(reg.groups, 'a').id]?.marginalCost).toEqual(Array<number>(6).fill(8576));
    expect(states[groupWith(reg.groups, 'sum').id]?.marginalCost).toEqual(Array<number>(5).fill(7936));
    expect(states[groupWith(reg.groups, 'c').id]?.marginalCost).toEqual(Array<number>(4).fill(518));
    const term = reg.term();
    expect(relClose(term.dataSync()[0] ?? NaN, 8576 * sumA + 7936 * sumB + 518 * sumC, 1e-6)).toBe(true);
    term.dispose();
  });

  test('from each op\'s cost gradient and the gammas', () => {
    const target = flopsTarget();
    const alive = propagateAlive(reg.graph, STRUCTURE);
    const sum: Record<string, number> = { input: 0, A: sumA, B: sumB, C: sumC, logits: 0 };
    // the group of each op's output, and of each of its inputs
    const GROUPS: Readonly<Record<string, readonly [string, readonly string[]]>> = {
      input: ['input', []],
      a: ['A', ['input']],
      a_bn: ['A', ['A']],
      a_relu: ['A', ['A']],
      b: ['B', ['A']],
      b_bn: ['B', ['B']],
      p: ['B', ['A']],
      p_bn: ['B', ['B']],
      sum: ['B', ['B', 'B']],
      sum_relu: ['B', ['B']],
      dw: ['B', ['B']],
      dw_bn: ['B', ['B']],
      dw_relu: ['B', ['B']],
      c: ['C', ['B']],
      c_bn: ['C', ['C']],
      c_relu: ['C', ['C']],
      gap: ['C', ['C']],
      logits: ['logits', ['C']],
    };
    expect(reg.graph.ops.map((o) => o.name).sort()).toEqual(Object.keys(GROUPS).sort());
    let expected = 0;
    for (const op of reg.graph.ops) {
      const [out, ins] = GROUPS[op.name] ?? ['', []];
      const gradient = target.forOp(op).gradient(alive.get(op.name) ?? { in: [], out: 0 });
      expected += gradient.out * (sum[out] ?? NaN);
      ins.forEach((g, i) => (expected += (gradient.in[i] ?? NaN) * (sum[g] ?? NaN)));
    }
    const term = reg.term();
    expect(relClose(term.dataSync()[0] ?? NaN, expected, 1e-6)).toBe(true);
    term.dispose();
  });

  test('refreshEvery 2: the second call keeps the first call\'s derivatives, the third refreshes them', () => {
    const m = build();
    const lazy = new NetworkRegularizer(m, flopsTarget(), { refreshEvery: 2 });
    const value = (): number => {
      const t = lazy.term();
      const v = t.dataSync()[0] ?? NaN;
      t.dispose();
      return v;
    };
    expect(relClose(value(), 8576 * sumA + 7936 * sumB + 518 * sumC, 1e-6)).toBe(true);
    // a's channel 0 dies: a has 4 alive channels, so b's and p's ∂/∂out drop to 2·64·9·4 and 2·64·4
    setGammas(m, 'a_bn', [DEAD, -0.25, DEAD, 0.75, 0.125, 1]);
    const sumA2 = sumA - 0.5 + DEAD;
    expect(relClose(value(), 8576 * sumA2 + 7936 * sumB + 518 * sumC, 1e-6)).toBe(true);
    expect(relClose(value(), 8576 * sumA2 + (4608 + 512 + 1152 + 384) * sumB + 518 * sumC, 1e-6)).toBe(true);
    expect(lazy.aliveStructure()).toEqual({ a: 4, b: 4, p: 4, c: 3 });
    lazy.dispose();
  });
});

describe('ties in a residual group', () => {
  test('two sources tied at the max share the gradient equally', () => {
    const model = build({ ...GAMMAS, p_bn: [0.5, 0.75, DEAD, 0.00390625, 0.125] });
    const target = flopsTarget();
    const reg = new NetworkRegularizer(model, target);
    const fdB = finiteDifference(reg.graph, target, OWNERS.B);
    const g = gammaGradients(model, reg);
    expectClose(g['b_bn'], [fdB / 2, 0, fdB, 0, -fdB], 'b_bn');
    expectClose(g['p_bn'], [fdB / 2, fdB, 0, 0, 0], 'p_bn');
    reg.dispose();
  });
});

describe('on the training step', () => {
  test('inside optimizer.minimize, one SGD step moves each gamma by lr × its coefficient, and no tensor leaks', () => {
    const model = build();
    const reg = new NetworkRegularizer(model, flopsTarget());
    const optimizer = tf.train.sgd(1e-6);
    const before = tf.memory().numTensors;
    const variables = Object.keys(GAMMAS).map((layer) => gammaVariable(model, layer));
    optimizer.minimize(() => reg.term(), true, variables)?.dispose();
    // the regularizer keeps one tensor (its coefficients) until disposed
    expect(tf.memory().numTensors).toBe(before + 1);
    // A's marginal cost is 8576 (see above): γ − 1e-6 · 8576 · sign(γ)
    const a = Array.from(gammaVariable(model, 'a_bn').dataSync());
    [0.5 - 0.008576, -0.25 + 0.008576, DEAD - 0.008576, 0.75 - 0.008576, 0.125 - 0.008576, 1 - 0.008576].forEach((e, i) =>
      expect(a[i]).toBeCloseTo(e, 6),
    );
    // B (7936): only each position's max source moves
    const p = Array.from(gammaVariable(model, 'p_bn').dataSync());
    [0.25, 0.75 - 0.007936, DEAD, 0.00390625, 0.125].forEach((e, i) => expect(p[i]).toBeCloseTo(e, 6));
    reg.dispose();
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
  });
});
