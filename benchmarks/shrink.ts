/**
 * `npm run bench:shrink`: what shrinking for measured latency buys. For each model and each target
 * device (a device profile whose backend runs here), at budgets of about 25%, 50% and 75% of the seed's
 * latency: (a) MorphNet with the profile's latency target against a uniform width multiplier of the
 * same predicted latency, each retrained from scratch the same way, with test accuracy and latency
 * measured on the device; (b) the latency target against MorphNet's FLOP target at matched accuracy
 * (the FLOP-targeted architectures' latency interpolated at the latency-targeted one's accuracy).
 * As MorphNet does, every shrink run starts from a trained seed: the seed architecture trained the
 * way every architecture is retrained, so its gammas say which channels matter.
 *
 * Usage: node dist/benchmarks/shrink.js [--models resnet-mini,mobilenet-mini]
 *        [--profiles device-profiles/amd-epyc-2c-wasm-{model}.json,device-profiles/llvmpipe-2c-webgpu-{model}.json]
 *        [--budgets 0.25,0.5,0.75] [--steps 300] [--retrain-epochs 1] [--train-limit 10000]
 *        [--accuracy-seeds 1] [--retrain-seeds 1] [--min-width-ratio 0.1] [--work DIR] [--dry-run]
 *
 * Training runs on wasm. Every finished run is kept in `--work` (a folder under the system's temporary
 * folder by default), so an interrupted benchmark picks up where it stopped when run again.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mean } from 'simple-statistics';
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
import { writeSection } from './markdown.js';
import { trainedOnce } from './trained-seed.js';

const root = packageRoot(import.meta.url);
const args = await yargs(process.argv.slice(2))
  .options(DEVICE_BENCH_OPTIONS)
  .option('budgets', { type: 'string', default: '0.25,0.5,0.75', describe: 'shares of the seed\'s predicted latency' })
  .option('steps', { type: 'number', default: 300 })
  .option('retrain-epochs', { type: 'number', default: 1 })
  .option('train-limit', { type: 'number', default: 10000, describe: 'training images (0: all)' })
  .option('batch-size', { type: 'number', default: 32 })
  .option('accuracy-seeds', { type: 'number', default: 1, describe: 'retrain the seed architecture with this many seeds, for how far accuracy moves between retrainings' })
  .option('retrain-seeds', { type: 'number', default: 1, describe: 'retrain every architecture with this many seeds; its accuracy is their mean' })
  .option('min-width-ratio', { type: 'number', default: DEFAULT_MIN_WIDTH_RATIO, describe: 'the shrink runs\' --min-width-ratio: no group kept below this share of its seed width' })
  .option('work', { type: 'string', default: path.join(os.tmpdir(), 'morphlat-bench-shrink') })
  .option('dry-run', { type: 'boolean', default: false, describe: 'print, do not write BENCHMARKS.md or benchmarks/results/shrink.json' })
  .strict()
  .parseAsync();

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const budgets = args.budgets.split(',').map(Number);

/** One architecture: how it was made, its structure, its retrained accuracy. */
interface Architecture {
  readonly method: 'latency' | 'uniform' | 'flops' | 'seed';
  readonly device: string | null;
  readonly budget: number;
  readonly structure: Structure;
  /** The mean of `accuracies`. */
  readonly accuracy: number;
  /** Test accuracy retrained with seeds 1, 2, …. */
  readonly accuracies?: readonly number[];
}

/**
 * The architecture kept in `file`, else made (retrained with seed 1) and kept; then, for an architecture of
 * `model`, retrained with the seeds up to `--retrain-seeds` it lacks, its accuracy their mean (so a rerun
 * with more seeds extends a finished run).
 */
async function cached(file: string, make: () => Promise<Architecture>, model?: string): Promise<Architecture> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  const kept = text === undefined ? await make() : (JSON.parse(text) as Architecture);
  if (text === undefined) await writeJsonAtomic(file, kept);
  const accuracies = [...(kept.accuracies ?? [kept.accuracy])];
  if (model === undefined || accuracies.length >= args['retrain-seeds']) return kept;
  await initBackend('wasm');
  const seed = zooEntry(model).build();
  for (let k = accuracies.length + 1; k <= args['retrain-seeds']; k++) {
    log(`  ${kept.method}${kept.device === null ? '' : ` for ${kept.device}`} at ${kept.budget}: retraining with seed ${k}`);
    accuracies.push(await retrainedAccuracy(seed, kept.structure, k));
  }
  seed.dispose();
  const extended = { ...kept, accuracy: mean(accuracies), accuracies };
  await writeJsonAtomic(file, extended);
  return extended;
}

const data = await loadFashionMnist(args['train-limit'] > 0 ? { trainLimit: args['train-limit'] } : {});
log(`data: ${data.source.description}`);
const retrain = { train: data.train, test: data.test, epochs: args['retrain-epochs'], batchSize: args['batch-size'] };

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

/** The FLOP-targeted architectures' latency at `accuracy`, linear between the two that bracket it. */
function latencyAtAccuracy(points: readonly { accuracy: number; ms: number }[], accuracy: number): number | undefined {
  const sorted = [...points].sort((a, b) => a.accuracy - b.accuracy);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    if (accuracy >= a.accuracy && accuracy <= b.accuracy) return b.accuracy === a.accuracy ? Math.min(a.ms, b.ms) : a.ms + ((accuracy - a.accuracy) / (b.accuracy - a.accuracy)) * (b.ms - a.ms);
  }
  return undefined;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
const sections: string[] = [];
const raw: Record<string, unknown>[] = [];
for (const modelName of args.models.split(',')) {
  await initBackend('wasm');
  const seed = zooEntry(modelName).build();
  const graph = buildGraph(seed);
  const profiles: DeviceProfile[] = await Promise.all(profileFilesFor(args.profiles, modelName, root).map((file) => readProfile(file)));
  const work = path.join(args.work, modelName);
  const seedArchitecture = await seedFor(seed, path.join(work, 'seed'));
  const trainedSeed = path.join(work, 'seed', 'model', 'model.json');
  const seedAccuracies = [seedArchitecture.accuracy];
  for (let k = 2; k <= args['accuracy-seeds']; k++) seedAccuracies.push((await seedFor(seed, path.join(work, `seed-${k}`), k)).accuracy);
  log(`${modelName}: FLOP-targeted architectures`);
  const flops: Architecture[] = [];
  for (const b of budgets) flops.push(await shrunkFor(modelName, trainedSeed, flopsTarget(), b, path.join(work, `flops-${b}`), 'flops', null));
  const rows: string[] = [];
  const matched: string[] = [];
  let asAccurate = 0;
  let compared = 0;
  let fasterBy10 = 0;
  let comparable = 0;
  for (const profile of profiles) {
    const target = latencyTarget(profile);
    log(`${modelName}: ${profile.name}`);
    const own: Architecture[] = [];
    for (const b of budgets) {
      own.push(await shrunkFor(modelName, trainedSeed, target, b, path.join(work, `${profile.name}-latency-${b}`), 'latency', profile.name));
      own.push(await uniformFor(modelName, seed, target, b, path.join(work, `${profile.name}-uniform-${b}`), profile.name));
    }
    const all = [...own, ...flops];
    log(`${modelName}: measuring ${all.length} architectures and the seed on ${profile.device.backend}`);
    const [row] = await measureRows(seed, [profile], all.map((a) => a.structure), resolvedMeasureSettings());
    if (row === undefined || row.state !== 'measured') throw new Error(`${profile.name} cannot be measured here: ${row?.state === 'not-here' ? row.reason : 'no row'}`);
    const ms = (a: Architecture): number => row.ms[all.indexOf(a)] ?? Number.NaN;
    const mflops = (a: Architecture): number => networkCost(graph, flopsTarget(), a.structure).total / 1e6;
    for (const b of budgets) {
      const m = own.find((a) => a.method === 'latency' && a.budget === b)!;
      const u = own.find((a) => a.method === 'uniform' && a.budget === b)!;
      compared++;
      if (m.accuracy >= u.accuracy) asAccurate++;
      rows.push(
        `| ${profile.name} | ${(b * 100).toFixed(0)}% | ${pct(ms(m) / row.seedMs)} | ${ms(m).toFixed(2)} | ${pct(m.accuracy)} | ${pct(ms(u) / row.seedMs)} | ${ms(u).toFixed(2)} | ${pct(u.accuracy)} | ${m.accuracy >= u.accuracy ? 'yes' : 'no'} |`,
      );
      const atAccuracy = latencyAtAccuracy(flops.map((f) => ({ accuracy: f.accuracy, ms: ms(f) })), m.accuracy);
      if (atAccuracy !== undefined) {
        comparable++;
        if (atAccuracy / ms(m) - 1 >= 0.1) fasterBy10++;
      }
      matched.push(
        `| ${profile.name} | ${(b * 100).toFixed(0)}% | ${pct(m.accuracy)} | ${ms(m).toFixed(2)} | ${atAccuracy === undefined ? 'outside the FLOP archs\' accuracies' : atAccuracy.toFixed(2)} | ${atAccuracy === undefined ? '–' : pct(atAccuracy / ms(m) - 1)} |`,
      );
    }
    const perFlop = all.map((a) => ms(a) / mflops(a));
    const mean = perFlop.reduce((s, x) => s + x, 0) / perFlop.length;
    const cv = Math.sqrt(perFlop.reduce((s, x) => s + (x - mean) ** 2, 0) / perFlop.length) / mean;
    matched.push(`| ${profile.name} | ms per MFLOP across its ${all.length} architectures varies by ${pct(cv)} (coefficient of variation) | | | | |`);
    raw.push({ model: modelName, device: profile.name, seedMs: row.seedMs, architectures: all.map((a) => ({ ...a, ms: ms(a), mflops: mflops(a) })) });
    await initBackend('wasm');
  }
  const flopRows = flops.map((f) => `${(f.budget * 100).toFixed(0)}%: ${pct(f.accuracy)}`).join(', ');
  sections.push(`#### ${modelName}

The seed, trained the same way (every shrink run starts from it): ${pct(seedArchitecture.accuracy)} test accuracy.${accuracySpread(seedAccuracies)}
Targets: MorphNet at least as accurate as the uniform multiplier in ${asAccurate} of ${compared} (device, budget) pairs;
the latency target ≥ 10% faster than the FLOP target at matched accuracy in ${fasterBy10} of the ${comparable} pairs whose accuracy
the FLOP-targeted architectures bracket.

(a) MorphNet for the device's measured latency against a uniform width multiplier of the same predicted latency:

| device | budget | MorphNet latency (of seed) | ms | accuracy | uniform latency (of seed) | ms | accuracy | MorphNet ≥ uniform |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

(b) Latency target against FLOP target at matched accuracy (FLOP-targeted architectures at ${budgets.map((b) => `${b * 100}%`).join(', ')} of the seed's FLOPs, accuracy ${flopRows}):

| device | budget | latency-target accuracy | its ms | FLOP-target ms at that accuracy | latency target faster by |
| --- | --- | --- | --- | --- | --- |
${matched.join('\n')}
`);
  seed.dispose();
}

const cpus = os.cpus();
const body = `### Shrinking for measured latency (\`npm run bench:shrink\`)

Command: \`npm run bench:shrink -- ${process.argv.slice(2).join(' ')}\`; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores), load average ${os.loadavg()[0]?.toFixed(1)} at the end; date: ${new Date().toISOString().slice(0, 10)}.
Fashion-MNIST (${data.source.description}); each shrink run starts from the seed trained for ${args['retrain-epochs']} epoch(s) (below) and shrinks for
${args.steps} steps of ${args['batch-size']} images (SGD, automatic strength to the budget, the structure filled up to the budget by one width multiplier where it lands under it);
every architecture retrained from scratch for ${args['retrain-epochs']} epoch(s) with Adam and tested on ${data.test.size} test images${args['retrain-seeds'] > 1 ? ` (${args['retrain-seeds']} retrainings with different seeds each; an accuracy below is their mean)` : ''}; training on wasm.
${args['min-width-ratio'] > 0 ? `Shrink runs keep every group that stays at ≥ ${pct(args['min-width-ratio'])} of its seed width (\`--min-width-ratio ${args['min-width-ratio']}\`).` : 'Shrink runs have no floor under a group\'s width (MorphNet\'s way).'}
Latencies measured end to end on each device here (batch 1, the seed and every architecture taking turns, 25 rounds of 3 runs).
A budget asks for its share of the seed's predicted cost, or for 1.2 times the narrowest network's (every group at one
channel) where that is more: per-layer overheads keep a network's latency far from zero however narrow it gets.

${sections.join('\n')}`;
if (!args['dry-run']) {
  await writeJsonAtomic(path.join(root, 'benchmarks', 'results', 'shrink.json'), raw);
  await writeSection('bench:shrink', body);
}
process.stdout.write(body);
process.exit(0);
