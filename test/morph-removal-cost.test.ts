/**
 * The secant to removal: a group the shrunk model can drop whole (a residual body) takes its layers'
 * fixed costs with it, which no derivative sees. On resnet-mini, with a cost of a fixed part per op that
 * runs plus a part per output channel, the alive channels of each residual body weigh, together, what
 * removing the body saves; groups that cannot be removed keep their derivatives, and so does every
 * group with `removalCost: false` or a cost with no fixed part (FLOPs).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import type { CostTarget } from '../src/costs/index.js';
import { NetworkRegularizer } from '../src/morph/index.js';
import type { Structure } from '../src/graph/index.js';
import { zooEntry } from '../src/zoo/index.js';
import { groupWith, setGammas } from './helpers/morph-models.js';
import { relClose, useCpu } from './helpers/tf.js';

const OVERHEAD = 0.05;
const PER_CHANNEL = 0.001;

/**
 * Every op that runs (some output and every input alive) costs OVERHEAD plus PER_CHANNEL per output
 * channel; its derivative sees only the latter.
 */
const overheadTarget: CostTarget = {
  name: 'overhead-and-channels',
  unit: 'ms',
  forOp: () => ({
    value: (a) => (a.out > 0 && a.in.every((n) => n > 0) ? OVERHEAD + PER_CHANNEL * a.out : 0),
    gradient: (a) => ({ in: a.in.map(() => 0), out: PER_CHANNEL }),
  }),
};

const BODIES = ['s1b1_conv1', 's2b1_conv1', 's2b2_conv1', 's3b1_conv1'];

beforeAll(useCpu);

function marginalOf(reg: NetworkRegularizer, layer: string): readonly number[] {
  return reg.groupStates()[groupWith(reg.groups, layer).id]?.marginalCost ?? [];
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

describe('the secant to removal', () => {
  test('the alive channels of each residual body weigh what removing it saves', () => {
    const model = zooEntry('resnet-mini').build();
    const plain = new NetworkRegularizer(model, overheadTarget, { removalCost: false });
    const reg = new NetworkRegularizer(model, overheadTarget);
    const full = networkCost(reg.graph, overheadTarget, reg.aliveStructure()).total;
    for (const body of BODIES) {
      const removed: Structure = { ...reg.aliveStructure(), [body]: 0 };
      const saving = full - networkCost(reg.graph, overheadTarget, removed).total;
      const derivatives = marginalOf(plain, body);
      expect(saving, body).toBeGreaterThan(sum(derivatives));
      const raised = marginalOf(reg, body);
      expect(relClose(sum(raised), saving, 1e-9), `${body}: ${sum(raised)} vs ${saving}`).toBe(true);
      raised.forEach((m, k) => expect(relClose(m - (derivatives[k] ?? NaN), raised[0]! - derivatives[0]!, 1e-9)).toBe(true));
    }
    for (const kept of ['stem', 's1b1_conv2', 's2b1_proj']) expect(marginalOf(reg, kept), kept).toEqual(marginalOf(plain, kept));
    plain.dispose();
    reg.dispose();
  });

  test('as channels die, each survivor of a body weighs more, and so does each dead channel', () => {
    const model = zooEntry('resnet-mini').build();
    const reg = new NetworkRegularizer(model, overheadTarget);
    const before = marginalOf(reg, 's1b1_conv1');
    const width = before.length;
    setGammas(model, 's1b1_conv1_bn', Array.from({ length: width }, (_, k) => (k < width / 2 ? 0 : 1)));
    const after = marginalOf(reg, 's1b1_conv1');
    expect(after[width - 1]!).toBeGreaterThan(before[width - 1]!);
    const plain = new NetworkRegularizer(model, overheadTarget, { removalCost: false });
    const derivatives = marginalOf(plain, 's1b1_conv1');
    expect(relClose(after[0]! - derivatives[0]!, after[width - 1]! - derivatives[width - 1]!, 1e-9)).toBe(true);
    const removed = { ...reg.aliveStructure(), s1b1_conv1: 0 };
    const saving = reg.cost() - networkCost(reg.graph, overheadTarget, removed).total;
    expect(relClose(sum(after.slice(width / 2)), saving, 1e-9)).toBe(true);
    plain.dispose();
    reg.dispose();
  });

  test('a removed body: each channel weighs what bringing one back would cost', () => {
    const model = zooEntry('resnet-mini').build();
    const width = model.getLayer('s2b2_conv1').getConfig()['filters'] as number;
    setGammas(model, 's2b2_conv1_bn', Array<number>(width).fill(0));
    const reg = new NetworkRegularizer(model, overheadTarget);
    expect(reg.aliveStructure()['s2b2_conv1']).toBe(0);
    const back = { ...reg.aliveStructure(), s2b2_conv1: 1 };
    const revival = networkCost(reg.graph, overheadTarget, back).total - reg.cost();
    expect(revival).toBeGreaterThan(3 * OVERHEAD);
    for (const m of marginalOf(reg, 's2b2_conv1')) expect(relClose(m, revival, 1e-9)).toBe(true);
    const plain = new NetworkRegularizer(model, overheadTarget, { removalCost: false });
    for (const m of marginalOf(plain, 's2b2_conv1')) expect(m).toBeLessThan(revival / 10);
    plain.dispose();
    reg.dispose();
  });

  test('FLOPs, linear in each body\'s channels, get nothing added', () => {
    const model = zooEntry('resnet-mini').build();
    const plain = new NetworkRegularizer(model, flopsTarget(), { removalCost: false });
    const reg = new NetworkRegularizer(model, flopsTarget());
    for (const body of BODIES) {
      const a = marginalOf(reg, body);
      const b = marginalOf(plain, body);
      a.forEach((m, k) => expect(relClose(m, b[k] ?? NaN, 1e-9), `${body}[${k}]`).toBe(true));
    }
    plain.dispose();
    reg.dispose();
  });
});
