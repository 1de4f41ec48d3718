import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bracketAtAccuracy, latencyAtAccuracy, matchedAccuracyMargin } from '../benchmarks/accuracy-match.js';
import { familyMembers, familyStructure, matchedRow, medianMargins, memberLabel, parseMultipliers, parseRatios } from '../benchmarks/compare-family.js';
import type { FamilyMember } from '../benchmarks/compare-family.js';
import type { RetrainingKey } from '../src/compare/index.js';
import { latencyTarget } from '../src/costs/index.js';
import { fullStructure } from '../src/graph/alive.js';
import type { Structure } from '../src/graph/alive.js';
import { buildGraph } from '../src/graph/build.js';
import { scaleStructure, structureCost } from '../src/morph/structure/index.js';
import { readProfile } from '../src/profile/io.js';
import { zooEntry } from '../src/zoo/index.js';
import { ROOT } from './helpers/cli.js';
import { useCpu } from './helpers/tf.js';

await useCpu();

describe('latency at matched accuracy', () => {
  const family = [
    { accuracy: 0.84, ms: 1.4 },
    { accuracy: 0.8, ms: 0.9 },
    { accuracy: 0.82, ms: 1.0 },
  ];

  it('interpolates between the two members adjacent in accuracy that bracket it, in any order given', () => {
    const at = bracketAtAccuracy(family, 0.83);
    expect(at?.ms).toBeCloseTo(1.2, 10);
    expect(at?.below).toEqual({ accuracy: 0.82, ms: 1.0 });
    expect(at?.above).toEqual({ accuracy: 0.84, ms: 1.4 });
    expect(latencyAtAccuracy(family, 0.81)).toBeCloseTo(0.95, 10);
    expect(latencyAtAccuracy(family, 0.84)).toBeCloseTo(1.4, 10);
  });

  it('gives nothing outside the family\'s accuracies', () => {
    expect(bracketAtAccuracy(family, 0.845)).toBeUndefined();
    expect(bracketAtAccuracy(family, 0.79)).toBeUndefined();
    expect(bracketAtAccuracy([{ accuracy: 0.8, ms: 1 }], 0.8)).toBeUndefined();
  });

  it('takes the faster of two members of the same accuracy', () => {
    expect(latencyAtAccuracy([{ accuracy: 0.8, ms: 2 }, { accuracy: 0.8, ms: 1.5 }], 0.8)).toBe(1.5);
  });

  it('margins a row against the fastest other family at the own accuracy, and leaves an unbracketed row unmatched', () => {
    const own = { accuracy: 0.83, ms: 1.0 };
    const other = [{ accuracy: 0.82, ms: 1.1 }, { accuracy: 0.84, ms: 1.3 }];
    const third = [{ accuracy: 0.8, ms: 1.0 }, { accuracy: 0.86, ms: 1.3 }];
    const matched = matchedAccuracyMargin(own, [other, third]);
    expect(matched?.margin).toBeCloseTo(0.15, 10);
    expect(matched?.others.map((o) => o.ms)).toEqual([expect.closeTo(1.2, 10), expect.closeTo(1.15, 10)]);
    expect(matchedAccuracyMargin({ accuracy: 0.85, ms: 1 }, [other, third])).toBeUndefined();
    expect(matchedAccuracyMargin(own, [])).toBeUndefined();
  });
});

describe('bench:compare families', () => {
  it('reads the multipliers sorted and once each, refusing 1, zero, negatives and text', () => {
    expect(parseMultipliers('1.25, 0.8,1.25')).toEqual([0.8, 1.25]);
    for (const bad of ['1', '0,1.2', '-0.5', 'wide', '']) expect(() => parseMultipliers(bad), bad).toThrow(/--accuracy-family/);
  });

  const member = (architecture: number, multiplier: number, accuracy: number): FamilyMember => ({
    architecture,
    multiplier,
    structure: {},
    mflops: 1,
    accuracies: [accuracy - 0.01, accuracy + 0.01],
  });

  it('places each row\'s own architecture on the other architecture\'s family, measured in that row', () => {
    const accuracy = [0.83, 0.82];
    const members = [member(0, 0.8, 0.8), member(0, 1.25, 0.85), member(1, 0.8, 0.79), member(1, 1.25, 0.84)];
    // Row columns: architecture 0, architecture 1, then the members in order.
    const row0 = matchedRow(0, [1.0, 1.1, 0.8, 1.3, 0.9, 1.5], accuracy, members);
    expect(row0?.ownMs).toBe(1.0);
    expect(row0?.others).toHaveLength(1);
    expect(row0?.others[0]?.architecture).toBe(1);
    expect(row0?.others[0]?.below.label).toBe('×1');
    expect(row0?.others[0]?.above.label).toBe('×1.25');
    expect(row0?.margin).toBeCloseTo(0.1 + 0.5 * 0.4, 10);
    const row1 = matchedRow(1, [2.0, 1.8, 1.6, 2.6, 1.5, 2.2], accuracy, members);
    expect(row1?.others[0]?.below.label).toBe('×0.8');
    expect(row1?.others[0]?.above.label).toBe('×1');
    expect(row1?.margin).toBeCloseTo((1.6 + (2 / 3) * 0.4) / 1.8 - 1, 10);
    expect(matchedRow(1, [2.0, 1.8, 1.6, 2.6, 1.5, 2.2], [0.83, 0.86], members)).toBeUndefined();
  });

  it('reads the ratios sorted and once each, refusing the compare\'s own ratio and anything outside (0, 1)', () => {
    expect(parseRatios('0.75, 0.25,0.75', 0.5)).toEqual([0.25, 0.75]);
    for (const bad of ['0.5', '0,0.25', '1', '1.5', '-0.2', 'half', '']) expect(() => parseRatios(bad, 0.5), bad).toThrow(/--ratio-family/);
  });

  it('places a row on the other device\'s own shrinks to other ratios, named by their ratio', () => {
    const shrunk = (architecture: number, ratio: number, accuracy: number): FamilyMember => ({ ...member(architecture, 1, accuracy), ratio });
    const members = [shrunk(0, 0.25, 0.78), shrunk(1, 0.25, 0.8), shrunk(0, 0.75, 0.86), shrunk(1, 0.75, 0.87)];
    expect(members.map(memberLabel)).toEqual(['shrunk to 0.25', 'shrunk to 0.25', 'shrunk to 0.75', 'shrunk to 0.75']);
    expect(memberLabel(member(0, 0.8, 0.8))).toBe('×0.8');
    // Architecture 0 (0.84) on architecture 1's curve: between its own 0.5 shrink (0.82, 2.0 ms) and its 0.75 one (0.87, 3.0 ms).
    const row = matchedRow(0, [1.5, 2.0, 1.0, 1.2, 2.5, 3.0], [0.84, 0.82], members, 'shrunk to 0.5');
    expect(row?.others[0]?.below.label).toBe('shrunk to 0.5');
    expect(row?.others[0]?.above.label).toBe('shrunk to 0.75');
    expect(row?.margin).toBeCloseTo((2.0 + 0.4 * 1.0) / 1.5 - 1, 10);
  });

  it('takes each row\'s median margin over the passes that matched it', () => {
    const row = (margin: number) => ({ margin, ownMs: 1, others: [] });
    expect(medianMargins([[row(0.1), undefined], [row(0.3), undefined], [row(0.2), undefined]], 2)).toEqual([0.2, undefined]);
  });

  it('widens an architecture by one multiplier and snaps it to its own device: no narrower, no slower than the raw multiple', async () => {
    const profile = await readProfile(path.join(ROOT, 'device-profiles', 'llvmpipe-2c-webgpu-resnet-mini.json'));
    const seed = zooEntry('resnet-mini').build();
    const graph = buildGraph(seed);
    const own = { ...fullStructure(graph), stem: 10, s1b1_conv1: 9, s2b1_conv1: 13, s2b2_conv1: 11, s2b1_conv2: 21, s3b1_conv1: 30 };
    const raw = scaleStructure(graph, own, 1.25);
    const member = familyStructure(graph, profile, own, 1.25);
    for (const [layer, count] of Object.entries(raw)) expect(member[layer], layer).toBeGreaterThanOrEqual(count);
    const target = latencyTarget(profile);
    expect(structureCost(graph, target, member)).toBeLessThanOrEqual(structureCost(graph, target, raw) + 1e-9);
    seed.dispose();
  });
});

describe('bench:compare family retrainings', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-family-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('retrains each member once per seed, keeps it, and retrains again only when its structure or its training changed', async () => {
    const profile = await readProfile(path.join(ROOT, 'device-profiles', 'amd-epyc-2c-wasm-resnet-mini.json'));
    const seed = zooEntry('resnet-mini').build();
    const graph = buildGraph(seed);
    const structure = fullStructure(graph);
    const calls: string[] = [];
    const options = {
      seed,
      profiles: [profile],
      structures: [structure],
      multipliers: [0.5, 0.75],
      seeds: 2,
      dir,
      retrain: async (label: string, _model: unknown, s: number) => {
        calls.push(`${label} ${s}`);
        return (80 + s) / 100;
      },
      keyOf: (structure: Structure, s: number): RetrainingKey => ({ structure, seed: s, epochs: 2, batchSize: 32, train: { description: 'train', size: 100 }, test: null }),
      log: () => undefined,
    };
    const first = await familyMembers(options);
    expect(calls).toHaveLength(4);
    expect(first.map((m) => m.multiplier)).toEqual([0.5, 0.75]);
    for (const m of first) expect([m.architecture, ...m.accuracies]).toEqual([0, 0.81, 0.82]);
    expect(first[0]!.mflops).toBeLessThan(first[1]!.mflops);
    const again = await familyMembers(options);
    expect(calls).toHaveLength(4);
    expect(again).toEqual(first);
    const narrower = await familyMembers({ ...options, structures: [scaleStructure(graph, structure, 0.5)] });
    expect(narrower.map((m) => m.structure)).not.toEqual(first.map((m) => m.structure));
    expect(calls).toHaveLength(8);
    const longer = await familyMembers({ ...options, structures: [scaleStructure(graph, structure, 0.5)], keyOf: (st: Structure, s: number) => ({ ...options.keyOf(st, s), epochs: 3 }) });
    expect(calls).toHaveLength(12);
    expect(longer.map((m) => m.structure)).toEqual(narrower.map((m) => m.structure));
    seed.dispose();
  });
});
