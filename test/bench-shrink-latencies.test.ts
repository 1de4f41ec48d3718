import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRecordedLatencies, recordedPasses } from '../benchmarks/shrink-latencies.js';
import type { RecordedDevice } from '../benchmarks/shrink-latencies.js';
import type { KeptArchitecture } from '../benchmarks/shrink-retrain.js';

let work: string;

beforeEach(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-latencies-'));
});
afterEach(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

function kept(method: KeptArchitecture['method'], budget: number, structure: Record<string, number>): KeptArchitecture {
  return { method, device: method === 'flops' ? null : 'dev', budget, structure, accuracy: 0.8 };
}

const recorded: RecordedDevice[] = [
  {
    model: 'm',
    device: 'dev',
    seedMsPasses: [10, 11],
    architectures: [
      { method: 'latency', budget: 0.5, structure: { a: 4, b: 8 }, msPasses: [5, 6] },
      { method: 'uniform', budget: 0.5, structure: { a: 6, b: 6 }, msPasses: [4, 7] },
      { method: 'flops', budget: 0.5, structure: { a: 2, b: 8 }, msPasses: [3, 3.5] },
    ],
  },
  { model: 'm', device: 'other', seedMsPasses: [99], architectures: [] },
];

describe("bench:shrink's recorded latencies", () => {
  it('gives each pass of the architectures asked, found by method, budget and structure, in the order asked', () => {
    const passes = recordedPasses(recorded, 'm', 'dev', [kept('flops', 0.5, { b: 8, a: 2 }), kept('latency', 0.5, { a: 4, b: 8 })]);
    expect(passes).toEqual([
      { seedMs: 10, ms: [3, 5] },
      { seedMs: 11, ms: [3.5, 6] },
    ]);
  });

  it('refuses an architecture whose structure was not the one measured, naming it', () => {
    expect(() => recordedPasses(recorded, 'm', 'dev', [kept('uniform', 0.5, { a: 6, b: 5 })])).toThrow(
      "no recorded latency of m's uniform architecture at 0.5 on dev with this structure",
    );
    expect(() => recordedPasses(recorded, 'm', 'dev', [kept('latency', 0.5, { a: 4, b: 8, c: 1 })])).toThrow(/latency architecture at 0.5/);
    expect(() => recordedPasses(recorded, 'm', 'nowhere', [])).toThrow('no recorded latencies of m on nowhere');
  });

  it('refuses an architecture with fewer passes than the seed', () => {
    const short: RecordedDevice[] = [{ ...recorded[0]!, architectures: [{ method: 'flops', budget: 0.5, structure: { a: 2 }, msPasses: [3] }] }];
    expect(() => recordedPasses(short, 'm', 'dev', [kept('flops', 0.5, { a: 2 })])).toThrow('has 1 recorded passes, the seed 2');
  });

  it('reads a results file and names the file when it is not one', async () => {
    const good = path.join(work, 'shrink.json');
    await fs.writeFile(good, JSON.stringify(recorded));
    expect(await readRecordedLatencies(good)).toEqual(recorded);
    const truncated = path.join(work, 'truncated.json');
    await fs.writeFile(truncated, JSON.stringify(recorded).slice(0, 40));
    await expect(readRecordedLatencies(truncated)).rejects.toThrow(`${truncated}: cannot read bench:shrink results`);
    const object = path.join(work, 'object.json');
    await fs.writeFile(object, '{"model": "m"}');
    await expect(readRecordedLatencies(object)).rejects.toThrow(`${object}: not bench:shrink results`);
    const lacking = path.join(work, 'lacking.json');
    await fs.writeFile(lacking, JSON.stringify([recorded[0], { model: 'm', device: 'd' }]));
    await expect(readRecordedLatencies(lacking)).rejects.toThrow(`${lacking}: entry 1 lacks model, device, seedMsPasses or architectures`);
  });
});
