import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './helpers/cli.js';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'dist', 'benchmarks', 'shrink-resample.js');

/** A stored network of a bench:shrink results file. */
const net = (method: string, device: string | null, width: number, accuracies: number[], msPasses: number[]) => ({
  method,
  device,
  budget: 0.5,
  structure: { a: width },
  accuracy: accuracies.reduce((s, x) => s + x, 0) / accuracies.length,
  accuracies,
  msPasses,
});

describe('bench:shrink-resample', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-resample-'));
  });

  it("judges (b) from a results file in each pass and, where the retrainings agree, reads that verdict in every resample", async () => {
    // One pass: the latency network at 0.8 (1.5 ms) against FLOPs between 0.75 (2 ms) and 0.85 (3 ms): 2.5 ms, 66.7%; the FLOP
    // network at 0.85 (3 ms) against latency between 0.8 (1.5 ms) and 0.9 (2.5 ms): 2 ms, 50%; the other two are outside; median 58.3%.
    const device = 'dev';
    const results = [
      {
        model: 'm',
        device,
        seedMsPasses: [4],
        architectures: [
          net('latency', device, 1, [0.8, 0.8], [1.5]),
          net('latency', device, 2, [0.9, 0.9], [2.5]),
          net('latency', 'other', 3, [0.7, 0.7], [0.1]),
          net('flops', null, 4, [0.75, 0.75], [2]),
          net('flops', null, 5, [0.85, 0.85], [3]),
          net('uniform', device, 6, [0.6, 0.6], [0.5]),
        ],
      },
    ];
    const file = path.join(dir, 'results.json');
    await fs.writeFile(file, JSON.stringify(results));
    const { stdout } = await run(process.execPath, [SCRIPT, '--results', file, '--resamples', '20']);
    const row = stdout.split('\n').find((l) => l.includes('| dev |'))!;
    // The other device's latency network and the uniform one are not part of (b): with the other's 0.7 network on the curve the
    // FLOP network at 0.75 would be bracketed too.
    expect(row).toContain('| 58.3% | 58.3% | 58.3% and 58.3% | 100.0% of 20 |');
  });

  it('says in one line which file is not a results file, and exits non-zero', async () => {
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(file, '{"a":1}');
    const failed = await run(process.execPath, [SCRIPT, '--results', file]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim().split('\n')).toEqual([`bench:shrink-resample: --results: \`${file}\` is not a bench:shrink results file (a list of { model, device, seedMsPasses, architectures })`]);
  });
});
