/**
 * bench:shrink's retrainings in parallel: every retraining an architecture kept in `--work` still lacks
 * (its seeds up to `--retrain-seeds`, and the seed architecture's up to `--accuracy-seeds`), shared out
 * over worker processes, one wasm thread each, from one queue: a worker claims the next job nobody has
 * (a claim is a file created exclusively), so a worker that drew short jobs takes more of them. A worker
 * writes each result as its own file, atomically,
 * beside the architecture it retrained (`retrained-<seed>.json`, or a `seed-<k>` architecture), so an
 * interrupted run keeps every finished retraining and a rerun does only the rest; the benchmark folds
 * those files into the architectures when it reads them.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { mean } from 'simple-statistics';
import type { Structure } from '../src/graph/index.js';
import { writeJsonAtomic } from '../src/util/atomic.js';

/** An architecture kept in a work folder, as bench:shrink writes it. */
export interface KeptArchitecture {
  readonly method: 'latency' | 'uniform' | 'flops' | 'seed';
  readonly device: string | null;
  readonly budget: number;
  readonly structure: Structure;
  /** The mean of `accuracies`. */
  readonly accuracy: number;
  /** Test accuracy retrained with seeds 1, 2, …. */
  readonly accuracies?: readonly number[];
}

/** One retraining: an architecture of `model` kept in `dir` (or the seed architecture, for `seed-<k>`), with retraining seed `seed`. */
export interface RetrainJob {
  readonly kind: 'architecture' | 'seed';
  readonly model: string;
  readonly dir: string;
  readonly seed: number;
}

/** The file a worker writes an architecture's retraining with `seed` to. */
export function retrainedFile(dir: string, seed: number): string {
  return path.join(dir, `retrained-${seed}.json`);
}

/** Whether another run finished `job`: its result file is there. */
function done(job: RetrainJob): boolean {
  return existsSync(job.kind === 'seed' ? path.join(job.dir, 'architecture.json') : retrainedFile(job.dir, job.seed));
}

/** The folder of the seed architecture retrained with `seed` (seed 1: the trained seed every shrink run starts from). */
export function seedDir(modelWork: string, seed: number): string {
  return path.join(modelWork, seed === 1 ? 'seed' : `seed-${seed}`);
}

/**
 * `kept` with the retrainings workers left beside it folded in (seeds following its own, in order);
 * `kept` itself when there are none.
 */
export async function withRetrainedFiles(dir: string, kept: KeptArchitecture): Promise<KeptArchitecture> {
  const accuracies = [...(kept.accuracies ?? [kept.accuracy])];
  for (;;) {
    const text = await fs.readFile(retrainedFile(dir, accuracies.length + 1), 'utf8').catch(() => undefined);
    if (text === undefined) break;
    accuracies.push((JSON.parse(text) as { accuracy: number }).accuracy);
  }
  return accuracies.length === (kept.accuracies?.length ?? 1) ? kept : { ...kept, accuracy: mean(accuracies), accuracies };
}

/** The retrainings of the architecture of `model` kept in `dir` that it lacks, up to seed `retrainSeeds`. */
export function architectureJobs(model: string, dir: string, kept: KeptArchitecture, retrainSeeds: number): RetrainJob[] {
  const jobs: RetrainJob[] = [];
  for (let k = (kept.accuracies?.length ?? 1) + 1; k <= retrainSeeds; k++) jobs.push({ kind: 'architecture', model, dir, seed: k });
  return jobs;
}

/**
 * Every retraining the architectures kept under `work/<model>` lack: the seed architecture's seeds up to
 * `accuracySeeds` and each kept architecture's up to `retrainSeeds`, ordered by seed, so a run stopped
 * part way leaves the architectures with as equal a number of retrainings as it can. Architectures not
 * made yet are not listed.
 */
export async function missingRetrainings(work: string, models: readonly string[], retrainSeeds: number, accuracySeeds: number): Promise<RetrainJob[]> {
  const jobs: RetrainJob[] = [];
  for (const model of models) {
    const modelWork = path.join(work, model);
    for (let k = 1; k <= accuracySeeds; k++) {
      const dir = seedDir(modelWork, k);
      if (!existsSync(path.join(dir, 'architecture.json'))) jobs.push({ kind: 'seed', model, dir, seed: k });
    }
    const entries = await fs.readdir(modelWork, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
      const dir = path.join(modelWork, entry);
      const text = await fs.readFile(path.join(dir, 'architecture.json'), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const kept = JSON.parse(text) as KeptArchitecture;
      if (kept.method !== 'seed') jobs.push(...architectureJobs(model, dir, kept, retrainSeeds).filter((job) => !done(job)));
    }
  }
  return jobs.sort((a, b) => a.seed - b.seed);
}

/** What a worker does with one job: the retrained test accuracy (the seed kind keeps its own architecture file). */
export interface RetrainWork {
  architecture(job: RetrainJob, kept: KeptArchitecture): Promise<number>;
  seed(job: RetrainJob): Promise<void>;
}

/** The folder of one run's claims on its jobs: `runWorkers` empties it before its workers start. */
export function claimsDir(work: string): string {
  return path.join(work, 'retrain-claims');
}

/** Claims `job` in `claims` for this worker: false when another worker claimed it first. */
async function claim(claims: string, job: RetrainJob): Promise<boolean> {
  const name = `${job.model}--${path.basename(job.dir)}--${job.seed}`;
  try {
    await fs.writeFile(path.join(claims, name), String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Runs `jobs` in order, skipping those another run finished and, with `claims` (the folder workers of
 * one run share), those another worker claimed.
 */
export async function runWorker(jobs: readonly RetrainJob[], work: RetrainWork, log: (m: string) => void, claims?: string): Promise<void> {
  for (const job of jobs) {
    if (done(job) || (claims !== undefined && !(await claim(claims, job)))) continue;
    if (job.kind === 'seed') {
      log(`${job.model}: the seed architecture, retraining seed ${job.seed}`);
      await work.seed(job);
      continue;
    }
    const kept = JSON.parse(await fs.readFile(path.join(job.dir, 'architecture.json'), 'utf8')) as KeptArchitecture;
    log(`${job.model}: ${path.basename(job.dir)}, retraining seed ${job.seed}`);
    const accuracy = await work.architecture(job, kept);
    await writeJsonAtomic(retrainedFile(job.dir, job.seed), { seed: job.seed, accuracy });
  }
}

/** Empties `work`'s claims folder, so no claim of an interrupted run holds a job back. */
export async function resetClaims(work: string): Promise<string> {
  const claims = claimsDir(work);
  await fs.rm(claims, { recursive: true, force: true });
  await fs.mkdir(claims, { recursive: true });
  return claims;
}

/**
 * Runs `jobs` in `workers` child processes: this script again with `workerArgs(i)` added (each runs
 * `runWorker` with `claimsDir(work)`), each writing its log to `work/worker-<i>.log`, with a progress bar
 * (jobs done, ETA) on stderr. Throws naming the log of a worker that failed; finished retrainings are
 * kept either way.
 */
export async function runWorkers(jobs: readonly RetrainJob[], workers: number, work: string, workerArgs: (i: number) => string[]): Promise<void> {
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot start workers: no script path in process.argv');
  const claims = await resetClaims(work);
  const bar = new cliProgress.SingleBar(
    { format: 'retraining |{bar}| {value}/{total} | {workers} workers | ETA {eta_formatted}', stream: process.stderr, hideCursor: null, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(jobs.length, jobs.filter(done).length, { workers });
  const poll = setInterval(() => bar.update(jobs.filter(done).length), 2000);
  const children = Array.from({ length: workers }, (_, i) => {
    const logFile = path.join(work, `worker-${i}.log`);
    const child = spawn(process.execPath, [script, ...process.argv.slice(2), ...workerArgs(i)], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.pipe(createWriteStream(logFile));
    return new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`retraining worker ${i} stopped (${signal ?? `exit ${code}`}); its log: ${logFile}`)),
      );
    });
  });
  try {
    const results = await Promise.allSettled(children);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } finally {
    clearInterval(poll);
    bar.update(jobs.filter(done).length);
    bar.stop();
    await fs.rm(claims, { recursive: true, force: true });
  }
}
