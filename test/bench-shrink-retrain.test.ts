import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mean } from 'simple-statistics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claimsDir,
  missingRetrainings,
  resetClaims,
  retrainedFile,
  runWorker,
  seedDir,
  withRetrainedFiles,
} from '../benchmarks/shrink-retrain.js';
import type { KeptArchitecture, RetrainJob } from '../benchmarks/shrink-retrain.js';

let work: string;

beforeEach(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-retrain-'));
});
afterEach(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

function architecture(accuracies: number[], method: KeptArchitecture['method'] = 'flops'): KeptArchitecture {
  return { method, device: null, budget: 0.5, structure: { conv1: 3 }, accuracy: mean(accuracies), accuracies };
}

async function keep(model: string, name: string, kept: KeptArchitecture): Promise<string> {
  const dir = path.join(work, model, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'architecture.json'), JSON.stringify(kept));
  return dir;
}

describe("bench:shrink's parallel retrainings", () => {
  it('lists every missing retraining, seed by seed, and none an architecture already has', async () => {
    const a = await keep('m', 'flops-0.5', architecture([0.8, 0.7]));
    const b = await keep('m', 'wasm-latency-0.5', architecture([0.6]));
    await fs.writeFile(retrainedFile(b, 2), JSON.stringify({ seed: 2, accuracy: 0.5 }));
    await keep('m', 'seed', architecture([0.9], 'seed'));
    const jobs = await missingRetrainings(work, ['m'], 3, 2);
    expect(jobs.map((j) => `${j.kind} ${path.relative(work, j.dir)} ${j.seed}`)).toEqual([
      `seed ${path.join('m', 'seed-2')} 2`,
      `architecture ${path.join('m', 'flops-0.5')} 3`,
      `architecture ${path.join('m', 'wasm-latency-0.5')} 3`,
    ]);
    expect(seedDir(path.join(work, 'm'), 1)).toBe(path.join(work, 'm', 'seed'));
    expect(a).toBe(path.join(work, 'm', 'flops-0.5'));
  });

  it('for a model without a work folder, lists only the seed architecture\'s retrainings', async () => {
    const jobs = await missingRetrainings(work, ['absent'], 5, 2);
    expect(jobs.map((j) => [j.kind, path.relative(work, j.dir), j.seed])).toEqual([
      ['seed', path.join('absent', 'seed'), 1],
      ['seed', path.join('absent', 'seed-2'), 2],
    ]);
  });

  it('folds the retrainings beside an architecture into its accuracies, in seed order, stopping at a gap', async () => {
    const dir = await keep('m', 'flops-0.5', architecture([0.8]));
    await fs.writeFile(retrainedFile(dir, 2), JSON.stringify({ seed: 2, accuracy: 0.6 }));
    await fs.writeFile(retrainedFile(dir, 4), JSON.stringify({ seed: 4, accuracy: 0.1 }));
    const folded = await withRetrainedFiles(dir, architecture([0.8]));
    expect(folded.accuracies).toEqual([0.8, 0.6]);
    expect(folded.accuracy).toBeCloseTo(0.7, 12);
    expect((await withRetrainedFiles(dir, architecture([0.8, 0.6, 0.5]))).accuracies).toEqual([0.8, 0.6, 0.5, 0.1]);
    const alone = architecture([0.8, 0.6]);
    expect(await withRetrainedFiles(await keep('m', 'other', alone), alone)).toBe(alone);
  });

  it('workers share one queue: each job runs once, a worker that drew a long job takes fewer, finished ones are skipped', async () => {
    const dirs = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => keep('m', n, architecture([0.5]))));
    const jobs: RetrainJob[] = dirs.map((dir) => ({ kind: 'architecture', model: 'm', dir, seed: 2 }));
    await fs.writeFile(retrainedFile(dirs[2]!, 2), JSON.stringify({ seed: 2, accuracy: 0.25 }));
    const claims = await resetClaims(work);
    const byWorker: string[][] = [[], []];
    const worker = (i: number) => ({
      architecture: async (job: RetrainJob) => {
        byWorker[i]!.push(path.basename(job.dir));
        await new Promise((resolve) => setTimeout(resolve, path.basename(job.dir) === 'a' ? 300 : 10));
        return 0.75;
      },
      seed: async () => {},
    });
    await Promise.all([runWorker(jobs, worker(0), () => {}, claims), runWorker(jobs, worker(1), () => {}, claims)]);
    expect([...byWorker[0]!, ...byWorker[1]!].sort()).toEqual(['a', 'b', 'd', 'e']);
    const slow = byWorker.find((names) => names.includes('a'));
    expect(slow).toEqual(['a']);
    for (const i of [0, 1, 3, 4]) expect(JSON.parse(await fs.readFile(retrainedFile(dirs[i]!, 2), 'utf8'))).toEqual({ seed: 2, accuracy: 0.75 });
    expect(JSON.parse(await fs.readFile(retrainedFile(dirs[2]!, 2), 'utf8')).accuracy).toBe(0.25);
  });

  it("a claim left by an interrupted run holds nothing back once the next run resets the claims", async () => {
    const dir = await keep('m', 'a', architecture([0.5]));
    const jobs: RetrainJob[] = [{ kind: 'architecture', model: 'm', dir, seed: 2 }];
    const claims = await resetClaims(work);
    const work1 = { architecture: async () => 0.75, seed: async () => {} };
    await fs.writeFile(path.join(claims, 'm--a--2'), '1');
    await runWorker(jobs, work1, () => {}, claims);
    expect(existsSync(retrainedFile(dir, 2))).toBe(false);
    expect(await resetClaims(work)).toBe(claimsDir(work));
    await runWorker(jobs, work1, () => {}, claims);
    expect(existsSync(retrainedFile(dir, 2))).toBe(true);
  });
});
