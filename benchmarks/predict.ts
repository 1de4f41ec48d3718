/**
 * `npm run bench:predict`: how well device profiles predict end-to-end latency. Per backend and zoo
 * model: a model-specific profile, then random-width variants (each tie group 25-100% of the seed's)
 * predicted and measured; a generic profile predicting the same variants; and two baselines on the
 * same variants, FLOPs-proportional and MorphNet's V100 roofline, each calibrated by one best scale.
 *
 * Usage: node dist/benchmarks/predict.js [--backends wasm,cpu,webgpu] [--models a,b] [--variants 20]
 *        [--budget-s 120] [--generic-budget-s S | --generic-profile FILE] [--model-profiles "FILE-{model}.json"] [--save-profiles]
 */
import os from 'node:os';
import path from 'node:path';
import { median, sampleRankCorrelation } from 'simple-statistics';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { flopsTarget, latencyTarget, networkCost, rooflineTarget } from '../src/costs/index.js';
import type { CostTarget } from '../src/costs/index.js';
import { buildGraph, rebuildWithStructure } from '../src/graph/index.js';
import type { Structure } from '../src/graph/index.js';
import type { DeviceProfile } from '../src/profile/index.js';
import { readProfile, writeProfile } from '../src/profile/index.js';
import { packageRoot } from '../src/train/data/package-root.js';
import { ZOO, zooEntry } from '../src/zoo/index.js';
import { measureEndToEndMany } from '../profilers/end-to-end.js';
import { runProfile } from '../profilers/run.js';
import { deviceSpeed, speedReferences } from '../profilers/speed.js';
import type { DeviceSpeed } from '../profilers/speed.js';
import { randomStructure } from '../profilers/variants.js';
import { writeJsonAtomic } from '../src/util/atomic.js';
import { writeSection } from './markdown.js';

interface Accuracy {
  within10: number;
  medianAbsError: number;
  spearman: number;
}

function accuracy(predicted: readonly number[], measured: readonly number[]): Accuracy {
  const errors = predicted.map((p, i) => Math.abs(p - measured[i]!) / measured[i]!);
  return {
    within10: errors.filter((e) => e <= 0.1).length / errors.length,
    medianAbsError: median(errors),
    spearman: sampleRankCorrelation([...predicted], [...measured]),
  };
}

/** One scale factor minimizing the squared relative error of `scale · raw` against `measured`. */
function bestScale(raw: readonly number[], measured: readonly number[]): number {
  const r = raw.map((x, i) => x / measured[i]!);
  return r.reduce((a, b) => a + b, 0) / r.reduce((a, b) => a + b * b, 0);
}

/** Calibration networks of the generic profile timed beside each model's variants for its speed ratio. */
const GENERIC_SPEED_NETWORKS = 5;

function speedNote(speed: DeviceSpeed | null): string {
  return speed === null ? '(no calibration network to time)' : `×${speed.ratio.toFixed(3)} (${speed.networks} networks, ${speed.min.toFixed(3)} to ${speed.max.toFixed(3)})`;
}

function totals(target: CostTarget, graph: ReturnType<typeof buildGraph>, structures: readonly Structure[]): number[] {
  return structures.map((s) => networkCost(graph, target, s).total);
}

const args = await yargs(process.argv.slice(2))
  .option('backends', { type: 'string', default: 'wasm,cpu,webgpu' })
  .option('models', { type: 'string', default: ZOO.map((m) => m.name).join(',') })
  .option('variants', { type: 'number', default: 20 })
  .option('budget-s', { type: 'number', default: 120 })
  .option('generic-budget-s', { type: 'number', describe: 'budget of the generic profile (default: --budget-s)' })
  .option('generic-profile', { type: 'string', describe: 'use this generic profile instead of profiling one (with a single backend)' })
  .option('model-profiles', { type: 'string', describe: 'use these model-specific profiles instead of profiling ({model} replaced by the model name; with a single backend)' })
  .option('save-profiles', { type: 'boolean', default: false })
  .strict()
  .check((a) => a['generic-profile'] === undefined || !a.backends.includes(',') || 'give --generic-profile with a single backend')
  .check((a) => a['model-profiles'] === undefined || !a.backends.includes(',') || 'give --model-profiles with a single backend')
  .parseAsync();

const rows: string[] = [];
const notes: string[] = [];
const raw: Record<string, unknown>[] = [];
const started = new Date().toISOString().slice(0, 10);
const row = (backend: string, model: string, name: string, a: Accuracy, time: string): string =>
  `| ${backend} | ${model} | ${name} | ${(a.within10 * 100).toFixed(0)}% | ${(a.medianAbsError * 100).toFixed(1)}% | ${a.spearman.toFixed(3)} | ${time} |`;
for (const backendName of args.backends.split(',')) {
  const backend = await initBackend(backendName);
  const log = (m: string): void => void process.stderr.write(`[${backendName}] ${m}\n`);
  const given = args['generic-profile'];
  log(given === undefined ? 'generic profile' : `generic profile from ${given}`);
  const generic: DeviceProfile =
    given === undefined
      ? await runProfile({ backend, budgetSeconds: args['generic-budget-s'] ?? args['budget-s'] })
      : await readProfile(given, { backend: backendName });
  if (args['save-profiles'] && given === undefined) await writeProfile(path.join(packageRoot(import.meta.url), 'device-profiles', `${generic.name}.json`), generic);
  for (const modelName of args.models.split(',')) {
    const seed = zooEntry(modelName).build();
    const graph = buildGraph(seed);
    const givenSpecific = args['model-profiles']?.replace('{model}', modelName);
    log(givenSpecific === undefined ? `${modelName}: model-specific profile` : `${modelName}: model-specific profile from ${givenSpecific}`);
    const specific =
      givenSpecific === undefined
        ? await runProfile({ backend, model: { model: seed, name: modelName }, budgetSeconds: args['budget-s'] })
        : await readProfile(givenSpecific, { backend: backendName });
    if (args['save-profiles'] && givenSpecific === undefined) await writeProfile(path.join(packageRoot(import.meta.url), 'device-profiles', `${specific.name}.json`), specific);
    const structures = Array.from({ length: args.variants }, (_, i) => randomStructure(graph, 777_000 + i));
    const variants = await Promise.all(structures.map((s) => rebuildWithStructure(seed, s)));
    const specificReferences = speedReferences(specific, seed, Number.POSITIVE_INFINITY);
    const genericReferences = speedReferences(generic, undefined, GENERIC_SPEED_NETWORKS);
    const referenceModels = await Promise.all([...specificReferences, ...genericReferences].map((r) => r.build()));
    log(`${modelName}: measuring ${variants.length} variants and ${referenceModels.length} of the profiles' calibration networks end to end, twice`);
    const together = [...variants, ...referenceModels];
    const first = (await measureEndToEndMany(together)).map((r) => r.medianMs);
    const second = (await measureEndToEndMany(together)).map((r) => r.medianMs);
    together.forEach((m) => m.dispose());
    const measured = first.slice(0, variants.length);
    const again = second.slice(0, variants.length);
    const referencesNow = first.slice(variants.length);
    const specificSpeed = deviceSpeed(specificReferences, referencesNow.slice(0, specificReferences.length));
    const genericSpeed = deviceSpeed(genericReferences, referencesNow.slice(specificReferences.length));
    const flops = totals(flopsTarget(), graph, structures);
    const roofline = totals(rooflineTarget('V100'), graph, structures);
    const specificMs = totals(latencyTarget(specific), graph, structures);
    const genericMs = totals(latencyTarget(generic), graph, structures);
    const atSpeed = (ms: number[], speed: DeviceSpeed | null): number[] => ms.map((p) => p * (speed?.ratio ?? Number.NaN));
    const predictors: [string, number[], string][] = [
      ['model-specific profile', specificMs, `${specific.profilingSeconds.toFixed(0)} s`],
      ['model-specific profile × device speed now', atSpeed(specificMs, specificSpeed), '-'],
      ['generic profile', genericMs, `${generic.profilingSeconds.toFixed(0)} s`],
      ['generic profile × device speed now', atSpeed(genericMs, genericSpeed), '-'],
      ['FLOPs × best scale', flops.map((f) => f * bestScale(flops, measured)), '-'],
      ['V100 roofline × best scale', roofline.map((f) => f * bestScale(roofline, measured)), '-'],
    ];
    raw.push({ backend: backendName, model: modelName, structures, measured, again, specificSpeed, genericSpeed, predicted: Object.fromEntries(predictors.map(([n, p]) => [n, p])) });
    for (const [name, predicted, time] of predictors) rows.push(row(backendName, modelName, name, accuracy(predicted, measured), time));
    rows.push(row(backendName, modelName, 'the same variants measured again (noise floor)', accuracy(again, measured), '-'));
    notes.push(`${backendName} ${modelName}: device speed now against the model-specific profile ${speedNote(specificSpeed)}, against the generic profile ${speedNote(genericSpeed)}`);
    log(`${modelName}: ${rows.slice(-predictors.length - 1).join('\n')}`);
    seed.dispose();
  }
}

const cpus = os.cpus();
const body = `### Latency prediction on ${args.backends} (\`npm run bench:predict\`)

Command: \`npm run bench:predict -- ${process.argv.slice(2).join(' ')}\`; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores), ${os.type()} ${os.release()}; date: ${started}.
Each model: ${args.variants} random-width variants (each tie group 25-100% of the seed's), measured end to end with the
profiles' own calibration networks (batch 1, predict + download, warm-up, median of 25 rounds of 3 runs, all of them taking
turns round by round), then measured again the same way: the last row of each model compares the two measurements of the
variants, the noise floor of any predictor here. This shared machine's speed moves by tens of percent between minutes, and a
profile predicts the speed it was measured at: "× device speed now" rescales a profile's predictions by one number not fitted to
the variants, how much faster or slower that profile's calibration networks ran beside them than when it was measured (the
median ratio, as \`morphlat predict --measure\` reports it; the notes give it). The FLOPs and roofline baselines take
their one scale factor from these very measurements (in-sample).

| backend | model | predictor | within ±10% | median abs error | Spearman | profiling time |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${notes.map((n) => `- ${n}`).join('\n')}
`;
const file = await writeSection(`bench:predict:${args.backends}`, body);
await writeJsonAtomic(path.join(packageRoot(import.meta.url), 'benchmarks', 'results', `predict-${args.backends.replace(/,/g, '-')}.json`), raw);
process.stdout.write(`${body}\nwritten to ${file}\n`);
process.exit(0);
