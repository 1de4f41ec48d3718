/**
 * `npm run bench:shrink`: what shrinking for measured latency buys. For each model and each target
 * device (a device profile whose backend runs here), at budgets of about 25%, 50% and 75% of the seed's
 * latency: (a) MorphNet with the profile's latency target against a uniform width multiplier of the
 * same predicted latency, each retrained from scratch the same way, with test accuracy and latency
 * measured on the device; (b) the latency target against MorphNet's FLOP target at matched accuracy
 * (each latency-targeted architecture against the FLOP-targeted ones' latency interpolated at its
 * accuracy, and each FLOP-targeted one against the latency-targeted ones' at its accuracy; a device's
 * verdict is the median of those margins, judged in each timing pass and the median taken over the passes:
 * target-margins.ts); (c) with two devices or more, each device's latency-targeted
 * architectures against the other devices' at matched accuracy, timed on that device (shrink-cross.ts).
 * As MorphNet does, every shrink run starts from a trained seed: the seed architecture trained the
 * way every architecture is retrained, so its gammas say which channels matter.
 *
 * Usage: node dist/benchmarks/shrink.js [--models resnet-mini,mobilenet-mini]
 *        [--profiles device-profiles/amd-epyc-2c-wasm-{model}.json,device-profiles/llvmpipe-2c-webgpu-{model}.json]
 *        [--budgets 0.25,0.5,0.75] [--flops-budgets B] [--steps 300] [--retrain-epochs 1] [--train-limit 10000]
 *        [--accuracy-seeds 1] [--retrain-seeds 1] [--min-width-ratio 0.1] [--work DIR] [--dry-run]
 *        [--jobs 1] [--retrain-only] [--measure-passes 1] [--latencies-from FILE] [--results-to FILE]
 *        [--candidates 1] [--candidate-trainings 1]
 *
 * Training runs on wasm. Every finished run is kept in `--work` (a folder under the system's temporary
 * folder by default), so an interrupted benchmark picks up where it stopped when run again. With
 * `--jobs N` the retrainings the kept architectures lack run first, in N worker processes (on a machine
 * with the cores for them); `--retrain-only` stops after those, so they can run on another machine than
 * the latency measurements (accuracy does not depend on where a network trains). `--latencies-from` takes
 * every latency from an earlier run's results file instead of timing again, for a run that only adds
 * retrainings.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mean, median } from 'simple-statistics';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { measureRows, resolvedMeasureSettings } from '../src/compare/measure.js';
import { flopsTarget, latencyTarget, networkCost } from '../src/costs/index.js';
import type { CostTarget } from '../src/costs/index.js';
import { buildGraph, fullStructure, loadModelFile } from '../src/graph/index.js';
import type { OpGraph, Structure } from '../src/graph/index.js';
import { expandStructure, structureCost } from '../src/morph/structure/expand.js';
import { narrowestStructure } from '../src/morph/structure/floor.js';
import { buildShrunkModel } from '../src/morph/structure/rebuild.js';
import { readProfile } from '../src/profile/io.js';
import type { DeviceProfile } from '../src/profile/index.js';
import { DEFAULT_MIN_WIDTH_RATIO, retrainFromScratch, runShrink } from '../src/shrink/index.js';
import { classificationAccuracy, loadFashionMnist } from '../src/train/index.js';
import { packageRoot } from '../src/train/data/package-root.js';
import { writeJsonAtomic } from '../src/util/atomic.js';
import { zooEntry } from '../src/zoo/index.js';
import { DEVICE_BENCH_OPTIONS, profileFilesFor } from './device-options.js';
import { exitOnInputError } from './input-error.js';
import { crossDeviceRows } from './shrink-cross.js';
import { budgetPct, parseBudgets } from './budgets.js';
import { VALIDATION_FROM, candidateOptions, candidateValidation, checkCandidateOptions } from './candidate-options.js';
import { FOLLOWS_FLOPS, flopsFit, lineOffsets } from './flops-line.js';
import { distinctNetworks, latencyAgainstFlops, marginsNearSeed, medianMargin, NEAR_SEED_POINTS, passVerdict, resampledVerdict, timedVerdict } from './target-margins.js';
import type { MarginGroup, RetrainedTimings, TargetComparison, TimedPoint } from './target-margins.js';
import { floorSentence, writeSection } from './markdown.js';
import { readRecordedLatencies, recordedPasses } from './shrink-latencies.js';
import type { LatencyPass, RecordedDevice } from './shrink-latencies.js';
import { architectureJobs, claimsDir, missingRetrainings, runWorker, runWorkers, withRetrainedFiles } from './shrink-retrain.js';
import type { KeptArchitecture, RetrainJob } from './shrink-retrain.js';
import { trainedOnce } from './trained-seed.js';

const root = packageRoot(import.meta.url);
const args = await yargs(process.argv.slice(2))
  .options(DEVICE_BENCH_OPTIONS)
  .option('budgets', { type: 'string', default: '0.25,0.5,0.75', coerce: (t: string) => parseBudgets(t, '--budgets'), describe: 'shares of the seed\'s predicted latency' })
  .option('flops-budgets', {
    type: 'string',
    coerce: (t: string) => parseBudgets(t, '--flops-budgets'),
    describe: 'shares of the seed\'s FLOPs for the FLOP-targeted architectures of (b), where their accuracies should span the latency-targeted ones\' (default --budgets)',
  })
  .option('steps', { type: 'number', default: 300 })
  .option('retrain-epochs', { type: 'number', default: 1 })
  .option('train-limit', { type: 'number', default: 10000, describe: 'training images (0: all)' })
  .option('batch-size', { type: 'number', default: 32 })
  .option('accuracy-seeds', { type: 'number', default: 1, describe: 'retrain the seed architecture with this many seeds, for how far accuracy moves between retrainings' })
  .option('retrain-seeds', { type: 'number', default: 1, describe: 'retrain every architecture with this many seeds; its accuracy is their mean' })
  .option('min-width-ratio', { type: 'number', default: DEFAULT_MIN_WIDTH_RATIO, describe: 'the shrink runs\' --min-width-ratio: no group kept below this share of its seed width' })
  .option('work', { type: 'string', default: path.join(os.tmpdir(), 'morphlat-bench-shrink') })
  .option('dry-run', { type: 'boolean', default: false, describe: 'print, do not write BENCHMARKS.md or benchmarks/results/shrink.json' })
  .option('measure-passes', { type: 'number', default: 1, describe: 'time every device\'s architectures this many times, one pass after another; each latency is the median of its passes' })
  .option('jobs', { type: 'number', default: 1, describe: 'retrain the kept architectures\' missing seeds in this many worker processes first' })
  .option('retrain-only', { type: 'boolean', default: false, describe: 'only retrain the kept architectures\' missing seeds, then stop' })
  .option('results-to', { type: 'string', describe: 'also write this run\'s raw results (benchmarks/results/shrink.json\'s form) to this file, with --dry-run too' })
  .option('latencies-from', { type: 'string', describe: 'take every latency (all its passes) from this earlier run\'s benchmarks/results/shrink.json instead of measuring' })
  .options(candidateOptions('latency- or FLOP-targeted architecture'))
  .option('worker', { type: 'string', hidden: true, describe: 'i/N: run as retraining worker i of N (started by --jobs)' })
  .strict()
  .check((a) => (Number.isInteger(a['measure-passes']) && a['measure-passes'] >= 1) || '--measure-passes must be a whole number ≥ 1')
  .check((a) => (Number.isInteger(a.jobs) && a.jobs >= 1) || '--jobs must be a whole number ≥ 1')
  .check(checkCandidateOptions)
  .parseAsync();

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const budgets = args.budgets;
const flopsBudgets = args['flops-budgets'] ?? budgets;

/** One architecture: how it was made, its structure, its retrained accuracy. */
type Architecture = KeptArchitecture;

/** How many times (b)'s verdict is taken again with each network's retrainings drawn again. */
const RESAMPLES = 1000;

/**
 * The architecture kept in `file`, else made (retrained with seed 1) and kept, with the retrainings
 * `--jobs` workers left beside it folded in; then, for an architecture of `model`, retrained with the seeds
 * up to `--retrain-seeds` it still lacks, its accuracy their mean (so a rerun with more seeds extends a
 * finished run).
 */
async function cached(file: string, make: () => Promise<Architecture>, model?: string): Promise<Architecture> {
  const dir = path.dirname(file);
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  const made = text === undefined ? await make() : (JSON.parse(text) as Architecture);
  if (text === undefined) await writeJsonAtomic(file, made);
  const missing = model === undefined ? [] : architectureJobs(model, dir, made, args['retrain-seeds']);
  if (missing.length > 0) {
    await initBackend('wasm');
    await runWorker(missing, retrainWork, log);
  }
  const kept = await withRetrainedFiles(dir, made);
  if (kept !== made) await writeJsonAtomic(file, kept);
  return kept;
}

const data = await loadFashionMnist(args['train-limit'] > 0 ? { trainLimit: args['train-limit'] } : {});
log(`data: ${data.source.description}`);
const retrain = { train: data.train, test: data.test, epochs: args['retrain-epochs'], batchSize: args['batch-size'] };
const validation = args.candidates > 1 ? await candidateValidation() : undefined;

/**
 * The cost a budget asks for: its share of the seed's cost, but no less than 1.2 times the narrowest
 * network's (every group at one channel), which per-layer overheads put above 25% of the seed's latency
 * on some devices.
 */
function budgetCost(graph: OpGraph, target: CostTarget, budget: number): number {
  const floor = structureCost(graph, target, narrowestStructure(graph));
  return Math.max(budget * networkCost(graph, target).total, 1.2 * floor);
}

async function shrunkFor(modelName: string, trainedSeed: string, target: CostTarget, budget: number, dir: string, method: Architecture['method'], device: string | null): Promise<Architecture> {
  return cached(path.join(dir, 'architecture.json'), async () => {
    await initBackend('wasm');
    const start = await loadModelFile(trainedSeed);
    const report = await runShrink({
      model: start,
      target,
      train: data.train,
      test: data.test,
      goal: { kind: 'cost', cost: budgetCost(buildGraph(start), target, budget) },
      minWidthRatio: args['min-width-ratio'],
      ...(validation === undefined ? {} : { candidates: args.candidates, candidateTrainings: args['candidate-trainings'], validation, resume: true }),
      steps: args.steps,
      batchSize: args['batch-size'],
      retrainEpochs: args['retrain-epochs'],
      outDir: dir,
      onPhase: (phase) => log(`  ${method}${device === null ? '' : ` for ${device}`} at ${budget}: ${phase}`),
    });
    start.dispose();
    return { method, device, budget, structure: report.structure, accuracy: report.accuracy ?? Number.NaN };
  }, modelName);
}

/** `structure` of the seed built fresh, retrained from scratch the benchmark's way: its test accuracy (NaN if none). */
async function retrainedAccuracy(seed: tfl.LayersModel, structure: Structure, retrainSeed = 1): Promise<number> {
  const { model } = await buildShrunkModel(seed, structure);
  const result = await retrainFromScratch(model, { ...retrain, seed: retrainSeed });
  model.dispose();
  return (result.state === 'completed' ? classificationAccuracy(result.evaluation) : undefined) ?? Number.NaN;
}

async function uniformFor(modelName: string, seed: tfl.LayersModel, target: CostTarget, budget: number, dir: string, device: string): Promise<Architecture> {
  return cached(path.join(dir, 'architecture.json'), async () => {
    await initBackend('wasm');
    const graph = buildGraph(seed);
    const { structure } = expandStructure(graph, fullStructure(graph), target, budgetCost(graph, target, budget));
    log(`  uniform for ${device} at ${budget}: retraining`);
    return { method: 'uniform', device, budget, structure, accuracy: await retrainedAccuracy(seed, structure) };
  }, modelName);
}

/**
 * The seed itself, trained from scratch the way every architecture is retrained with `retrainSeed`: the
 * accuracy the shrunk ones give up from; with seed 1 also (saved in `dir/model`) the trained network every
 * shrink run starts from, and with others how far that accuracy moves between retrainings.
 */
async function seedFor(seed: tfl.LayersModel, dir: string, retrainSeed = 1): Promise<Architecture> {
  return cached(path.join(dir, 'architecture.json'), async () => {
    await initBackend('wasm');
    log(retrainSeed === 1 ? '  the seed: training' : `  the seed: retraining with seed ${retrainSeed}`);
    const structure = fullStructure(buildGraph(seed));
    if (retrainSeed !== 1) return { method: 'seed', device: null, budget: 1, structure, accuracy: await retrainedAccuracy(seed, structure, retrainSeed) };
    const trained = await trainedOnce(path.join(dir, 'model'), async () => (await buildShrunkModel(seed, {})).model, retrain);
    trained.model.dispose();
    return { method: 'seed', device: null, budget: 1, structure, accuracy: trained.accuracy ?? Number.NaN };
  });
}

/** How far the seed architecture's accuracy moves between retraining seeds, as a sentence ('' with one seed). */
function accuracySpread(accuracies: readonly number[]): string {
  if (accuracies.length < 2) return '';
  const spread = (Math.max(...accuracies) - Math.min(...accuracies)) * 100;
  return ` Retrained with ${accuracies.length} seeds: ${accuracies.map((a) => pct(a)).join(', ')}, a spread of ${spread.toFixed(1)} points: differences between architectures smaller than that are within retraining noise.`;
}

/** How the FLOP line's row names each method's architectures. */
const METHOD_NAMES: Partial<Record<Architecture['method'], string>> = { latency: 'latency-targeted', flops: 'FLOP-targeted', uniform: 'uniform multipliers' };

/** The devices where latency does not follow FLOPs, each with its median margin, and how many reach 10%. */
function notFlopsVerdict(verdicts: readonly { device: string; margin: number; follows: boolean }[]): string {
  const judged = verdicts.filter((v) => !v.follows);
  if (judged.length === 0) return 'none here';
  const met = judged.filter((v) => v.margin >= 0.1).length;
  return `${met} of ${judged.length} (${judged.map((v) => `${v.device} ${pct(v.margin)}`).join(', ')})`;
}

/**
 * MorphNet's accuracy minus the uniform multiplier's, in points, and in how many of their retrainings
 * with the same seed MorphNet's was at least as high.
 */
function pairedDifference(m: Architecture, u: Architecture): string {
  const ma = m.accuracies ?? [m.accuracy];
  const ua = u.accuracies ?? [u.accuracy];
  const pairs = Math.min(ma.length, ua.length);
  const wins = ma.slice(0, pairs).filter((a, i) => a >= (ua[i] ?? Number.POSITIVE_INFINITY)).length;
  const points = (m.accuracy - u.accuracy) * 100;
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)} (${wins} of ${pairs})`;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
const signedPct = (x: number): string => (Number.isFinite(x) ? `${x < 0 ? '−' : '+'}${Math.abs(x * 100).toFixed(1)}%` : '–');
const models = args.models.split(',');
const jobsFile = path.join(args.work, 'retrain-jobs.json');
const retrainWork = {
  architecture: async (job: RetrainJob, kept: Architecture) => {
    const seed = zooEntry(job.model).build();
    const accuracy = await retrainedAccuracy(seed, kept.structure, job.seed);
    seed.dispose();
    return accuracy;
  },
  seed: async (job: RetrainJob) => {
    const seed = zooEntry(job.model).build();
    await seedFor(seed, job.dir, job.seed);
    seed.dispose();
  },
};
if (args.worker !== undefined) {
  await initBackend('wasm');
  const jobs = JSON.parse(await fs.readFile(jobsFile, 'utf8')) as RetrainJob[];
  await runWorker(jobs, retrainWork, log, claimsDir(args.work));
  process.exit(0);
}
if (args.jobs > 1 || args['retrain-only']) {
  const jobs = await missingRetrainings(args.work, models, args['retrain-seeds'], args['accuracy-seeds']);
  const workers = Math.max(1, Math.min(args.jobs, jobs.length));
  log(`${jobs.length} retrainings missing in ${args.work}${jobs.length > 0 ? `; ${workers} worker(s)` : ''}`);
  if (workers > 1) {
    await writeJsonAtomic(jobsFile, jobs);
    await runWorkers(jobs, workers, args.work, (i) => ['--worker', `${i}/${workers}`]);
  } else if (jobs.length > 0) {
    await initBackend('wasm');
    await runWorker(jobs, retrainWork, log);
  }
  if (args['retrain-only']) process.exit(0);
}

const inputError = (e: unknown): never => exitOnInputError('bench:shrink', e);
const recorded: RecordedDevice[] | undefined =
  args['latencies-from'] === undefined ? undefined : await readRecordedLatencies(args['latencies-from']).catch(inputError);

/** Every pass of the seed's and the architectures' latency on `profile`'s device: measured here, or taken from `--latencies-from`. */
async function latencyPasses(modelName: string, seed: tfl.LayersModel, profile: DeviceProfile, all: readonly Architecture[]): Promise<LatencyPass[]> {
  if (recorded !== undefined) {
    try {
      return recordedPasses(recorded, modelName, profile.name, all);
    } catch (e) {
      return inputError(e);
    }
  }
  log(`${modelName}: measuring ${all.length} architectures and the seed on ${profile.device.backend}`);
  const passes: LatencyPass[] = [];
  for (let pass = 1; pass <= args['measure-passes']; pass++) {
    if (pass > 1) log(`${modelName}: measuring again, pass ${pass} of ${args['measure-passes']}`);
    const [measured] = await measureRows(seed, [profile], all.map((a) => a.structure), resolvedMeasureSettings());
    if (measured === undefined || measured.state !== 'measured') throw new Error(`${profile.name} cannot be measured here: ${measured?.state === 'not-here' ? measured.reason : 'no row'}`);
    passes.push({ seedMs: measured.seedMs, ms: measured.ms });
  }
  return passes;
}

const sections: string[] = [];
/** The most passes any device's latencies were taken in (said once in the section's header). */
let passCount = 0;
const raw: Record<string, unknown>[] = [];
for (const modelName of models) {
  await initBackend('wasm');
  const seed = zooEntry(modelName).build();
  const graph = buildGraph(seed);
  const profiles: DeviceProfile[] = await Promise.all(profileFilesFor(args.profiles, modelName, root).map((file) => readProfile(file)));
  const work = path.join(args.work, modelName);
  const seedArchitecture = await seedFor(seed, path.join(work, 'seed'));
  const trainedSeed = path.join(work, 'seed', 'model', 'model.json');
  const seedAccuracies = [seedArchitecture.accuracy];
  for (let k = 2; k <= args['accuracy-seeds']; k++) seedAccuracies.push((await seedFor(seed, path.join(work, `seed-${k}`), k)).accuracy);
  const seedAccuracy = mean(seedAccuracies);
  log(`${modelName}: FLOP-targeted architectures`);
  const flops: Architecture[] = [];
  for (const b of flopsBudgets) flops.push(await shrunkFor(modelName, trainedSeed, flopsTarget(), b, path.join(work, `flops-${b}`), 'flops', null));
  const rows: string[] = [];
  const matched: string[] = [];
  let asAccurate = 0;
  let compared = 0;
  let fasterBy10 = 0;
  let comparable = 0;
  const deviceVerdicts: { device: string; margin: number; follows: boolean }[] = [];
  const ownOf = new Map<string, Architecture[]>();
  for (const profile of profiles) {
    const target = latencyTarget(profile);
    log(`${modelName}: ${profile.name}`);
    const own: Architecture[] = [];
    for (const b of budgets) {
      own.push(await shrunkFor(modelName, trainedSeed, target, b, path.join(work, `${profile.name}-latency-${b}`), 'latency', profile.name));
      own.push(await uniformFor(modelName, seed, target, b, path.join(work, `${profile.name}-uniform-${b}`), profile.name));
    }
    ownOf.set(profile.name, own);
  }
  const crossRows: string[] = [];
  const crossVerdicts: { device: string; margin: number }[] = [];
  const flopsShrunk = distinctNetworks(flops);
  const latencyShrunkOf = new Map(profiles.map((p) => [p.name, distinctNetworks((ownOf.get(p.name) ?? []).filter((a) => a.method === 'latency'))]));
  for (const profile of profiles) {
    const own = ownOf.get(profile.name) ?? [];
    const others = profiles.filter((p) => p !== profile).map((p) => (ownOf.get(p.name) ?? []).filter((a) => a.method === 'latency'));
    const all = [...own, ...flops];
    const timed = [...all, ...others.flat()];
    const passes = await latencyPasses(modelName, seed, profile, timed);
    passCount = Math.max(passCount, passes.length);
    const row = { seedMs: median(passes.map((p) => p.seedMs)), ms: timed.map((_, i) => median(passes.map((p) => p.ms[i] ?? Number.NaN))) };
    const ms = (a: Architecture): number => row.ms[timed.indexOf(a)] ?? Number.NaN;
    const mflops = (a: Architecture): number => networkCost(graph, flopsTarget(), a.structure).total / 1e6;
    const fit = flopsFit(all.map((a) => ({ mflops: mflops(a), ms: ms(a) })));
    const offsets = lineOffsets(fit, all.map((a) => ({ method: a.method, mflops: mflops(a), ms: ms(a) })));
    /** Each pass's latency of `a`, or (with no pass) the median over the passes. */
    const msIn = (pass: number | undefined) => (a: Architecture): number => (pass === undefined ? ms(a) : (passes[pass]?.ms[timed.indexOf(a)] ?? Number.NaN));
    /** A device's verdict in words: with several passes, the margin of the median latencies, each pass's and their median, judged against 10%. */
    const verdictWords = (verdict: { perPass: readonly (number | undefined)[]; margin: number | undefined }, medianOfMs: number | undefined): string => {
      const judged = `${pct(verdict.margin ?? Number.NaN)}${verdict.margin === undefined ? '' : verdict.margin >= 0.1 ? ' (≥ 10%)' : ' (under 10%)'}`;
      if (verdict.perPass.length < 2) return judged;
      return `${pct(medianOfMs ?? Number.NaN)} from the median latencies; per pass ${verdict.perPass.map((m) => pct(m ?? Number.NaN)).join(', ')}: median ${judged}`;
    };
    const latencyShrunk = latencyShrunkOf.get(profile.name)!;
    const latencyArchs = latencyShrunk.kept;
    const flopsArchs = flopsShrunk.kept;
    if (others.length > 0) {
      const crossAt = (pass: number | undefined) =>
        crossDeviceRows(
          profile.name,
          latencyArchs.map((a) => ({ ...a, ms: msIn(pass)(a) })),
          profiles.filter((p) => p !== profile).map((p) => latencyShrunkOf.get(p.name)!.kept.map((a) => ({ ...a, ms: msIn(pass)(a) }))),
        );
      const cross = crossAt(undefined);
      const verdict = passVerdict(passes.length, (k) => crossAt(k).margin);
      crossRows.push(...cross.rows);
      if (passes.length > 1) crossRows.push(`| ${profile.name} | the median margin in each timing pass | | | | ${verdictWords(verdict, cross.margin)} |`);
      if (verdict.margin !== undefined) crossVerdicts.push({ device: profile.name, margin: verdict.margin });
    }
    const comparisons = latencyAgainstFlops(
      latencyArchs.map((a) => ({ accuracy: a.accuracy, ms: ms(a) })),
      flopsArchs.map((f) => ({ accuracy: f.accuracy, ms: ms(f) })),
    );
    /** A network with every retraining's accuracy and its latency in every pass, as (b)'s verdict and its resampling read it. */
    const timings = (a: Architecture): TimedPoint & RetrainedTimings => ({ accuracy: a.accuracy, accuracies: a.accuracies ?? [a.accuracy], msPasses: passes.map((_, k) => msIn(k)(a)) });
    const latencyTimed = latencyArchs.map(timings);
    const flopsTimed = flopsArchs.map(timings);
    const networkOf = (c: TargetComparison): Architecture => (c.method === 'latency' ? latencyArchs[c.index]! : flopsArchs[c.index]!);
    for (const b of budgets) {
      const m = own.find((a) => a.method === 'latency' && a.budget === b)!;
      const u = own.find((a) => a.method === 'uniform' && a.budget === b)!;
      compared++;
      if (m.accuracy >= u.accuracy) asAccurate++;
      rows.push(
        `| ${profile.name} | ${budgetPct(b)} | ${pct(ms(m) / row.seedMs)} | ${ms(m).toFixed(2)} | ${pct(m.accuracy)} | ${pct(ms(u) / row.seedMs)} | ${ms(u).toFixed(2)} | ${pct(u.accuracy)} | ${pairedDifference(m, u)} | ${m.accuracy >= u.accuracy ? 'yes' : 'no'} |`,
      );
    }
    for (const c of comparisons) {
      const a = networkOf(c);
      const [name, otherName] = c.method === 'flops' ? ['FLOP', 'latency'] : ['latency', 'FLOP'];
      if (c.margin !== undefined) {
        comparable++;
        if (c.margin >= 0.1) fasterBy10++;
      }
      matched.push(
        `| ${profile.name} | ${name} target at ${budgetPct(a.budget)} | ${pct(a.accuracy)} | ${ms(a).toFixed(2)} | ${c.otherMs === undefined ? `outside the ${otherName} archs' accuracies` : `${c.otherMs.toFixed(2)} (${otherName} target)`} | ${c.margin === undefined ? '–' : pct(c.margin)} |`,
      );
    }
    for (const [name, shrunk] of [['latency', latencyShrunk], ['FLOP', flopsShrunk]] as const) {
      for (const [a, first] of shrunk.sameAs) {
        matched.push(`| ${profile.name} | ${name} target at ${budgetPct(a.budget)} | ${pct(a.accuracy)} | ${ms(a).toFixed(2)} | the same network as the ${name} target at ${budgetPct(first.budget)}: counted once | – |`);
      }
    }
    const count = comparisons.filter((c) => c.margin !== undefined).length;
    const verdict = timedVerdict(latencyTimed, flopsTimed, passes.length);
    if (verdict.margin !== undefined) deviceVerdicts.push({ device: profile.name, margin: verdict.margin, follows: fit.follows });
    matched.push(`| ${profile.name} | all ${count} matched comparisons | | | median margin | ${verdictWords(verdict, medianMargin(comparisons))} |`);
    const bySeed = marginsNearSeed(
      comparisons.map((c) => ({ accuracy: networkOf(c).accuracy, margin: c.margin })),
      seedAccuracy,
    );
    const resampled = resampledVerdict(latencyTimed, flopsTimed, passes.length, { resamples: RESAMPLES });
    if (resampled !== undefined) {
      matched.push(
        `| ${profile.name} | the verdict with each network's retrainings drawn again (${RESAMPLES} seeded resamples, ${resampled.count} with a verdict) | | | median margin | 90% of them between ${pct(resampled.low)} and ${pct(resampled.high)}; ≥ 10% in ${pct(resampled.atLeast)} of them |`,
      );
    }
    const groupWords = (g: MarginGroup): string => (g.median === undefined ? 'none' : `${pct(g.median)} (${g.count})`);
    matched.push(
      `| ${profile.name} | the same comparisons by the network's accuracy, from the median latencies | | | median margin (count) | within ${NEAR_SEED_POINTS} points of the seed's ${pct(seedAccuracy)}: ${groupWords(bySeed.near)}; further below: ${groupWords(bySeed.far)} |`,
    );
    matched.push(
      `| ${profile.name} | latency against FLOPs over its ${all.length} architectures: ${fit.interceptMs.toFixed(3)} ms + ${fit.msPerMflop.toFixed(4)} ms/MFLOP, residuals median ${pct(fit.median)}, max ${pct(fit.max)}: ${fit.follows ? 'follows FLOPs (a FLOP target is a latency target here, up to a constant)' : 'does not follow FLOPs'}; against that line (median, negative: faster than their FLOPs say) ${offsets.map((o) => `${METHOD_NAMES[o.method] ?? o.method} ${signedPct(o.median)} (${o.count})`).join(', ')} | | | | |`,
    );
    raw.push({ model: modelName, device: profile.name, seedMs: row.seedMs, architectures: timed.map((a, i) => ({ ...a, ms: ms(a), msPasses: passes.map((p) => p.ms[i]), mflops: mflops(a) })), seedMsPasses: passes.map((p) => p.seedMs), flopsFit: { ...fit, offsets } });
    await initBackend('wasm');
  }
  const flopRows = flops.map((f) => `${budgetPct(f.budget)}: ${pct(f.accuracy)}`).join(', ');
  sections.push(`#### ${modelName}

The seed, trained the same way (every shrink run starts from it): ${pct(seedArchitecture.accuracy)} test accuracy.${accuracySpread(seedAccuracies)}
Targets: MorphNet at least as accurate as the uniform multiplier in ${asAccurate} of ${compared} (device, budget) pairs;
the latency target ≥ 10% faster than the FLOP target at matched accuracy in ${fasterBy10} of the ${comparable} comparisons whose accuracy
the other method's architectures bracket; by device (the median of its comparisons${passCount > 1 ? ', judged in each timing pass on that pass\'s latencies and the median taken over the passes' : ''}), on devices where latency does not follow FLOPs (median residual over ${pct(FOLLOWS_FLOPS.median)} or any over
${pct(FOLLOWS_FLOPS.max)} from the best line ms = a + b·MFLOPs): ${notFlopsVerdict(deviceVerdicts)}.

(a) MorphNet for the device's measured latency against a uniform width multiplier of the same predicted latency:

| device | budget | MorphNet latency (of seed) | ms | accuracy | uniform latency (of seed) | ms | accuracy | MorphNet − uniform, points (retrainings MorphNet wins) | MorphNet ≥ uniform |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

(b) Latency target against FLOP target at matched accuracy (FLOP-targeted architectures at ${flopsBudgets.map(budgetPct).join(', ')} of the seed's FLOPs, accuracy ${flopRows}):

| device | architecture | accuracy | its ms | the other method's ms at that accuracy | latency target faster by |
| --- | --- | --- | --- | --- | --- |
${matched.join('\n')}
${crossRows.length === 0 ? '' : `
(c) Each device's latency-targeted architectures against the other devices' at matched accuracy, on that device (each of its own
against the other device's latency-targeted architectures interpolated at its accuracy, and each of the other device's against its own
at theirs, a network that two budgets gave counted once; a device's verdict is the median of those margins${passCount > 1 ? ', judged in each timing pass and the median taken over the passes' : ''}): own architectures faster by ≥ 10% on ${crossVerdicts.filter((v) => v.margin >= 0.1).length} of ${crossVerdicts.length} devices (${crossVerdicts.map((v) => `${v.device} ${pct(v.margin)}`).join(', ')}).

| device (timed on) | architecture | accuracy | its ms | the other's ms at that accuracy | own faster by |
| --- | --- | --- | --- | --- | --- |
${crossRows.join('\n')}
`}`);
  seed.dispose();
}

const cpus = os.cpus();
const body = `### Shrinking for measured latency (\`npm run bench:shrink\`)

Command: \`npm run bench:shrink -- ${process.argv.slice(2).join(' ')}\`; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores), load average ${os.loadavg()[0]?.toFixed(1)} at the end; date: ${new Date().toISOString().slice(0, 10)}.
Fashion-MNIST (${data.source.description}); each shrink run starts from the seed trained for ${args['retrain-epochs']} epoch(s) (below) and shrinks for
${args.steps} steps of ${args['batch-size']} images (SGD, automatic strength to the budget, the structure filled up to the budget by one width multiplier where it lands under it)${args.candidates > 1 ? `;
each latency- and FLOP-targeted architecture is the best of ${args.candidates} shrink runs with seeds 1-${args.candidates} (\`--candidates ${args.candidates}\`), each run's architecture retrained from scratch as below${args['candidate-trainings'] > 1 ? ` ${args['candidate-trainings']} times (seeds of their own)` : ''} and scored on training images ${VALIDATION_FROM + 1}-60,000 (never trained on${args['candidate-trainings'] > 1 ? '; the mean score' : ''})` : ''};
every architecture retrained from scratch for ${args['retrain-epochs']} epoch(s) with Adam and tested on ${data.test.size} test images${args['retrain-seeds'] > 1 ? ` (${args['retrain-seeds']} retrainings with different seeds each; an accuracy below is their mean)` : ''}; training on wasm.
${floorSentence(args['min-width-ratio'])}
${recorded === undefined ? 'Latencies measured' : `Latencies not measured by this command: taken, every pass, from an earlier run's results (\`--latencies-from ${args['latencies-from']}\`), which measured them`} end to end on each device here (batch 1, the seed and every architecture taking turns, 25 rounds of 3 runs)${passCount > 1 ? `,
in ${passCount} passes one after another: each latency below is the median of its passes (every pass's in benchmarks/results/shrink.json)` : ''}.
A budget asks for its share of the seed's predicted cost, or for 1.2 times the narrowest network's (every group at one
channel) where that is more: per-layer overheads keep a network's latency far from zero however narrow it gets.

${sections.join('\n')}`;
if (args['results-to'] !== undefined) await writeJsonAtomic(path.resolve(args['results-to']), raw);
if (!args['dry-run']) {
  await writeJsonAtomic(path.join(root, 'benchmarks', 'results', 'shrink.json'), raw);
  await writeSection('bench:shrink', body);
}
process.stdout.write(body);
process.exit(0);
