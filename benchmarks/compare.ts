/**
 * `npm run bench:compare`: device-specific architectures. For each model, MorphNet shrinks it once for
 * each device's measured latency (wasm, and webgpu on Dawn/lavapipe here) to the same ratio of the
 * seed's layer latency, retrains each architecture briefly from scratch for its accuracy, then times
 * every architecture end to end on every device (the cross matrix). The target: each architecture is
 * the fastest of its row on its own device, measured, by ≥ 10%, at matched accuracy. As MorphNet does,
 * the shrink runs start from a trained seed: the zoo model trained from scratch the way every
 * architecture is retrained (kept in `<work>/<model>/trained-seed/`).
 *
 * Usage: node dist/benchmarks/compare.js [--models resnet-mini,mobilenet-mini]
 *        [--profiles device-profiles/amd-epyc-2c-wasm-{model}.json,device-profiles/llvmpipe-2c-webgpu-{model}.json]
 *        [--target-ratio 0.5] [--steps 600] [--match-flops] [--retrain-epochs 3] [--retrain-seeds 1] [--train-limit 12000]
 *        [--accuracy-tolerance 0.01] [--accuracy-family 0.8,1.25] [--ratio-family 0.25,0.75] [--measure-passes 1] [--out benchmarks/results] [--work DIR]
 *        [--candidates 1] [--candidate-trainings 1] [--min-width-ratio 0.1] [--resume] [--dry-run]
 *
 * With `--accuracy-family`, "matched accuracy" is not a tolerance: each architecture is also made under
 * those width multipliers and retrained, and each row compares its own architecture with the others'
 * families at its own accuracy (compare-family.ts), timed in `--measure-passes` passes of their own.
 * `--ratio-family` makes the families of MorphNet's shrinks for the same device to those other target
 * ratios instead (each device's own accuracy-latency curve; with `--resume` their runs are reused too).
 * `--candidates K` makes each shrink (the architectures' and the ratio families') the best of K runs, scored
 * on validation images no run trains on (candidate-options.ts), as `morphlat compare --candidates` does.
 * `--min-width-ratio` is the shrink runs' floor under a group's width, as `morphlat compare`'s.
 *
 * Each model's compare.json, pictures (SVG) and index.html go to `<out>/compare-<model>/`, its shrink
 * runs and architectures to `<work>/<model>/` (a temporary folder by default; `--resume` reuses the
 * architectures finished there, and their first retrainings). The retrainings with seeds 2 to N and the
 * families' are kept beside each architecture and reused whenever the structure, seed, training settings
 * and data are the same. The section of BENCHMARKS.md is written unless `--dry-run`.
 */
import os from 'node:os';
import path from 'node:path';
import { mean, median } from 'simple-statistics';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { compareArchitectures, compareMarkdown, keptOrRetrained, ownMargin, retrainingKey, writeCompareJson } from '../src/compare/index.js';
import { measureRows, resolvedMeasureSettings } from '../src/compare/measure.js';
import { retrain } from '../src/compare/architectures.js';
import type { CompareRequest, CompareResult, RetrainingKey } from '../src/compare/index.js';
import type { Structure } from '../src/graph/index.js';
import { readProfile } from '../src/profile/io.js';
import { buildShrunkModel } from '../src/morph/structure/index.js';
import { DEFAULT_MIN_WIDTH_RATIO } from '../src/shrink/index.js';
import { minWidthRatioArg } from '../src/cli/targets.js';
import { compareProgressDisplay } from '../src/report/compare-progress.js';
import { writeCompareReport } from '../src/report/compare-page.js';
import { loadFashionMnist } from '../src/train/index.js';
import { packageRoot } from '../src/train/data/package-root.js';
import { writeJsonAtomic } from '../src/util/atomic.js';
import { zooEntry } from '../src/zoo/index.js';
import { familyMembers, matchedRow, medianMargins, memberLabel, parseMultipliers, parseRatios } from './compare-family.js';
import type { FamilyMember, MatchedRow } from './compare-family.js';
import { VALIDATION_FROM, candidateOptions, candidateValidation, checkCandidateOptions } from './candidate-options.js';
import { DEVICE_BENCH_OPTIONS, profileFilesFor } from './device-options.js';
import { floorSentence, percent as pct, writeSection } from './markdown.js';
import { trainedOnce } from './trained-seed.js';

const root = packageRoot(import.meta.url);
const args = await yargs(process.argv.slice(2))
  .options(DEVICE_BENCH_OPTIONS)
  .option('target-ratio', { type: 'number', default: 0.5, describe: 'share of the seed\'s layer latency each device\'s architecture is shrunk to' })
  .option('steps', { type: 'number', default: 600, describe: 'shrinking steps per device' })
  .option('match-flops', { type: 'boolean', default: false, describe: 'rescale the shrunk architectures to the FLOPs of the smallest before retraining' })
  .option('retrain-epochs', { type: 'number', default: 3 })
  .option('retrain-seeds', { type: 'number', default: 1, describe: 'retrain each architecture this many times, with seeds 1 to N (the first inside compare); its accuracy is their mean' })
  .option('train-limit', { type: 'number', default: 12000, describe: 'training images (0: all)' })
  .option('batch-size', { type: 'number', default: 32 })
  .option('accuracy-tolerance', { type: 'number', default: 0.01, describe: 'largest accuracy gap (absolute) counted as matched' })
  .option('accuracy-family', { type: 'string', describe: 'width multipliers (e.g. 0.8,1.25): compare each row at its own architecture\'s accuracy on the others\' families' })
  .option('ratio-family', { type: 'string', describe: 'other target ratios (e.g. 0.25,0.75): each architecture\'s family is MorphNet\'s shrinks for its device to those ratios' })
  .option('out', { type: 'string', default: 'benchmarks/results', describe: 'where each model\'s compare.json, pictures and index.html go' })
  .option('work', { type: 'string', default: path.join(os.tmpdir(), 'morphlat-bench-compare'), describe: 'where the shrink runs and architectures go' })
  .option('measure-passes', { type: 'number', default: 1, describe: 'time the measured rows this many times in all (the first inside compare; with --accuracy-family or --ratio-family, this many passes more with the families); the verdict takes each row\'s median margin' })
  .option('resume', { type: 'boolean', default: false, describe: 'reuse the architectures a run in --work finished, and their first retrainings' })
  .option('dry-run', { type: 'boolean', default: false, describe: 'do not write BENCHMARKS.md' })
  .options(candidateOptions("device's architecture (and --ratio-family member)"))
  .option('min-width-ratio', { type: 'number', default: DEFAULT_MIN_WIDTH_RATIO, describe: 'the shrink runs\' --min-width-ratio: no group kept below this share of its seed width (use a new --work when changing it)' })
  .check(checkCandidateOptions)
  .check((a) => a.profiles.split(',').length >= 2 || `--profiles: bench:compare compares two device profiles or more, got "${a.profiles}"`)
  .check((a) => minWidthRatioArg(a) >= 0)
  .strict()
  .parseAsync();

const log = (m: string): void => void process.stderr.write(`${m}\n`);
if (!(Number.isInteger(args['retrain-seeds']) && args['retrain-seeds'] >= 1)) {
  log(`bench:compare: --retrain-seeds must be an integer ≥ 1, got ${args['retrain-seeds']}`);
  process.exit(2);
}

let multipliers: number[] = [];
let ratios: number[] = [];
try {
  multipliers = args['accuracy-family'] === undefined ? [] : parseMultipliers(args['accuracy-family']);
  ratios = args['ratio-family'] === undefined ? [] : parseRatios(args['ratio-family'], args['target-ratio']);
} catch (e) {
  log(`bench:compare: ${(e as Error).message}`);
  process.exit(2);
}
const families = multipliers.length > 0 || ratios.length > 0;
if (families && !(args['retrain-epochs'] > 0)) {
  log('bench:compare: --accuracy-family and --ratio-family need --retrain-epochs above 0 (the families are placed by retrained accuracy)');
  process.exit(2);
}
if (ratios.length > 0 && args['match-flops']) {
  log('bench:compare: --ratio-family places each architecture among its device\'s own shrinks, which --match-flops would rescale it away from: give one of them');
  process.exit(2);
}
/** What the tables call the architectures themselves among their family members. */
const ownLabel = [...(multipliers.length > 0 ? ['×1'] : []), ...(ratios.length > 0 ? [`shrunk to ${args['target-ratio']}`] : [])].join(', ');
/** The families, in words. */
const familyWords = [
  ...(multipliers.length > 0 ? [`under width multipliers ${multipliers.map((m) => `×${m}`).join(', ')} (snapped to its own device again)`] : []),
  ...(ratios.length > 0 ? [`shrunk by MorphNet for its own device to ${ratios.join(', ')} of the seed's layer latency as well`] : []),
].join(' and ');

/** One model's comparison at matched accuracy: the family members and each pass's rows. */
interface FamilyRun {
  readonly members: readonly FamilyMember[];
  /** [pass][row][column]: the architectures' latencies, then the members'; empty where a row was not measured. */
  readonly ms: readonly (readonly (readonly number[])[])[];
  readonly rows: readonly (readonly (MatchedRow | undefined)[])[];
}

/** The section's table of families (median latency over the passes) and its verdict at matched accuracy. */
function familyVerdict(result: CompareResult, family: FamilyRun): { met: boolean; lines: string[] } {
  const names = result.devices.map((d) => d.name);
  const count = result.architectures.length;
  const cell = (row: number, column: number): string => {
    const values = family.ms.map((p) => p[row]?.[column]).filter((v): v is number => v !== undefined);
    return values.length === 0 ? '–' : median(values).toFixed(values[0]! < 10 ? 3 : 2);
  };
  const columns = [
    ...result.architectures.map((a, k) => ({ architecture: k, label: ownLabel, mflops: a.flops / 1e6, accuracy: a.accuracy ?? Number.NaN, column: k })),
    ...family.members.map((m, n) => ({ architecture: m.architecture, label: memberLabel(m), mflops: m.mflops, accuracy: mean([...m.accuracies]), column: count + n })),
  ].sort((a, b) => a.architecture - b.architecture || a.mflops - b.mflops);
  const lines = [
    `At matched accuracy: each architecture also ${familyWords}, each retrained ${args['retrain-seeds']} time(s) as the architectures are; every network timed on every device here in ${family.ms.length} pass(es) of their own (the median below); each row's own architecture against the others' latency interpolated at its accuracy between the two members that bracket it.`,
    '',
    `| architecture for | made as | MFLOPs | accuracy | ${names.map((n) => `${n} ms`).join(' | ')} |`,
    `| --- | --- | ---: | ---: | ${names.map(() => '---:').join(' | ')} |`,
    ...columns.map((c) => `| ${names[c.architecture]} | ${c.label} | ${c.mflops.toFixed(2)} | ${pct(c.accuracy)} | ${names.map((_, row) => cell(row, c.column)).join(' | ')} |`),
    '',
  ];
  const margins = medianMargins(family.rows, count);
  let met = true;
  names.forEach((name, i) => {
    const first = family.rows.find((p) => p[i] !== undefined)?.[i];
    const margin = margins[i];
    if (first === undefined || margin === undefined) {
      met = false;
      const measured = family.ms.some((p) => (p[i]?.length ?? 0) > 0);
      lines.push(`- ${name}: ${measured ? `another architecture's family does not bracket its own architecture's accuracy (${pct(result.architectures[i]?.accuracy ?? Number.NaN)}): not matched; widen the family` : 'not measured here'}`);
      return;
    }
    const ok = margin >= 0.1;
    met &&= ok;
    const all = family.rows.map((p) => p[i]?.margin).filter((m): m is number => m !== undefined);
    const others = first.others.map((o) => `${names[o.architecture]}'s at that accuracy between ${o.below.label} (${pct(o.below.accuracy)}) and ${o.above.label} (${pct(o.above.accuracy)})`).join('; ');
    lines.push(
      `- ${name}: its own architecture (${pct(result.architectures[i]?.accuracy ?? Number.NaN)}) is ${margin >= 0 ? `the fastest of its row by ${pct(margin)}` : `${pct(-margin)} slower than another`} at matched accuracy${all.length > 1 ? ` (median of ${all.length} passes: ${all.map(pct).join(', ')})` : ''}, against ${others}${ok ? '' : ' — below the 10% target'}`,
    );
  });
  return { met, lines };
}

/**
 * Whether the result meets the target, and the lines that say so; with more than one measuring pass
 * (`passes[i]`: row i's margin in each pass), a row's margin is the median of its passes.
 */
function verdict(result: CompareResult, passes: readonly (readonly number[])[]): { met: boolean; lines: string[] } {
  const lines: string[] = [];
  let met = true;
  result.margins.forEach((first, i) => {
    const own = result.architectures[i];
    const row = passes[i] ?? [];
    const m = { ...first, measured: first.measured === null ? null : row.length > 1 ? median([...row]) : first.measured };
    if (m.measured === null) {
      met = false;
      lines.push(`- ${m.device}: not measured here (${result.devices[i]?.notMeasuredBecause ?? ''})`);
      return;
    }
    const ok = m.measured >= 0.1;
    met &&= ok;
    lines.push(
      `- ${m.device}: its own architecture is ${m.measured >= 0 ? `the fastest of its row by ${pct(m.measured)}` : `${pct(-m.measured)} slower than the fastest of its row`} measured${row.length > 1 ? ` (median of ${row.length} passes: ${row.map(pct).join(', ')})` : ''} (${pct(m.predicted)} predicted)${ok ? '' : ' — below the 10% target'}${own?.accuracy === undefined ? '' : `; accuracy ${pct(own.accuracy)}`}`,
    );
  });
  const accuracies = result.architectures.map((a) => a.accuracy).filter((a): a is number => a !== undefined);
  if (accuracies.length === result.architectures.length && accuracies.length > 0) {
    const gap = Math.max(...accuracies) - Math.min(...accuracies);
    const matched = gap <= args['accuracy-tolerance'];
    met &&= matched;
    lines.push(`- accuracy gap between the architectures: ${(gap * 100).toFixed(2)} points (${matched ? 'matched' : 'not matched'}: tolerance ${(args['accuracy-tolerance'] * 100).toFixed(1)} points)`);
  } else {
    met = false;
    lines.push('- accuracy not measured (no retraining), so not at matched accuracy');
  }
  return { met, lines };
}

await initBackend('wasm');
const loadAtStart = os.loadavg()[0] ?? 0;
const started = new Date();
const data = await loadFashionMnist(args['train-limit'] > 0 ? { trainLimit: args['train-limit'] } : {});
log(`data: ${data.source.description}`);
const validation = args.candidates > 1 ? await candidateValidation() : undefined;
const sections: string[] = [];
for (const model of args.models.split(',')) {
  const files = profileFilesFor(args.profiles, model, root);
  const devices = await Promise.all(files.map(async (file) => ({ profile: await readProfile(file), file: path.relative(root, file) })));
  const outDir = path.resolve(root, args.out, `compare-${model}`);
  const workDir = path.resolve(args.work, model);
  log(`${model}: shrinking for ${devices.map((d) => d.profile.name).join(', ')}`);
  const progress = compareProgressDisplay({ interactive: process.stderr.isTTY === true });
  await initBackend('wasm');
  log(`${model}: the seed, trained for ${args['retrain-epochs']} epochs (or as kept in --work)`);
  const seed = await trainedOnce(path.join(workDir, 'trained-seed'), () => zooEntry(model).build(), {
    train: data.train,
    test: data.test,
    epochs: args['retrain-epochs'],
    batchSize: args['batch-size'],
  });
  const request: CompareRequest = {
    model: seed.model,
    modelName: model,
    devices,
    shrink: {
      goal: { kind: 'ratio', ratio: args['target-ratio'] },
      steps: args.steps,
      batchSize: args['batch-size'],
      minWidthRatio: args['min-width-ratio'],
      ...(validation === undefined ? {} : { candidates: args.candidates, candidateTrainings: args['candidate-trainings'] }),
    },
    ...(validation === undefined ? {} : { validation }),
    train: data.train,
    test: data.test,
    retrainEpochs: args['retrain-epochs'],
    matchFlops: args['match-flops'],
    outDir: workDir,
    resume: args.resume,
    onProgress: progress.onProgress,
  };
  let result = await compareArchitectures(request);
  progress.stop();
  const { onProgress: _shown, ...quiet } = request;
  const keyOf = (structure: Structure, retrainSeed: number): RetrainingKey => {
    const key = retrainingKey(quiet, structure, retrainSeed);
    if (key === undefined) throw new Error('bench:compare: retraining asked for without training data');
    return key;
  };
  /** Each architecture's accuracies: its first retraining (made by compare), then seeds 2..N, kept beside it and reused. */
  const retrainedSeeds = async (architectures: CompareResult['architectures'], label: string): Promise<number[][]> => {
    const accuracies = architectures.map((a) => (a.accuracy === undefined ? [] : [a.accuracy]));
    if (args['retrain-seeds'] > 1) await initBackend('wasm');
    for (let retrainSeed = 2; retrainSeed <= args['retrain-seeds'] && args['retrain-epochs'] > 0; retrainSeed++) {
      for (const [i, a] of architectures.entries()) {
        const accuracy = await keptOrRetrained(a.dir, keyOf(a.structure, retrainSeed), async () => {
          log(`${model}: retraining the architecture for ${a.device}${label} with seed ${retrainSeed} of ${args['retrain-seeds']}`);
          const { model: built } = await buildShrunkModel(seed.model, a.structure);
          try {
            return await retrain(quiet, a.device, built, retrainSeed);
          } finally {
            built.dispose();
          }
        });
        if (accuracy !== undefined) accuracies[i]?.push(accuracy);
      }
    }
    return accuracies;
  };
  const retrained = await retrainedSeeds(result.architectures, '');
  if (args['retrain-seeds'] > 1) {
    result = { ...result, architectures: result.architectures.map((a, i) => ((retrained[i]?.length ?? 0) > 0 ? { ...a, accuracy: mean(retrained[i]!) } : a)) };
  }
  const passes: number[][] = result.margins.map((m) => (m.measured === null ? [] : [m.measured]));
  for (let pass = 2; pass <= args['measure-passes'] && !families; pass++) {
    log(`${model}: measuring again, pass ${pass} of ${args['measure-passes']}`);
    const rows = await measureRows(seed.model, devices.map((d) => d.profile), result.architectures.map((a) => a.structure), resolvedMeasureSettings());
    rows.forEach((row, i) => {
      const margin = row.state === 'measured' ? ownMargin(row.ms, i) : null;
      if (margin !== null) passes[i]?.push(margin);
    });
  }
  let family: FamilyRun | undefined;
  if (families) {
    const shrunkTo: FamilyMember[] = [];
    for (const ratio of ratios) {
      log(`${model}: shrinking for every device to ${ratio} as well`);
      const shrink = { ...quiet.shrink, goal: { kind: 'ratio' as const, ratio } };
      const at = await compareArchitectures({ ...quiet, shrink, matchFlops: false, measure: false, outDir: path.join(workDir, `ratio-${ratio}`) });
      const accuracies = await retrainedSeeds(at.architectures, ` shrunk to ${ratio}`);
      for (const [i, a] of at.architectures.entries()) {
        shrunkTo.push({ architecture: i, multiplier: 1, ratio, structure: a.structure, mflops: a.flops / 1e6, accuracies: accuracies[i] ?? [] });
      }
    }
    await initBackend('wasm');
    const scaled = await familyMembers({
      seed: seed.model,
      profiles: devices.map((d) => d.profile),
      structures: result.architectures.map((a) => a.structure),
      multipliers,
      seeds: args['retrain-seeds'],
      dir: path.join(workDir, 'family'),
      retrain: (label, built, retrainSeed) => retrain(quiet, label, built, retrainSeed),
      keyOf,
      log: (m) => log(`${model}: ${m}`),
    });
    const members = [...scaled, ...shrunkTo];
    const accuracy = result.architectures.map((a) => a.accuracy ?? Number.NaN);
    const ms: number[][][] = [];
    const rows: (MatchedRow | undefined)[][] = [];
    for (let pass = 1; pass <= args['measure-passes']; pass++) {
      log(`${model}: timing the architectures and their families, pass ${pass} of ${args['measure-passes']}`);
      const measured = await measureRows(seed.model, devices.map((d) => d.profile), [...result.architectures.map((a) => a.structure), ...members.map((m) => m.structure)], resolvedMeasureSettings());
      ms.push(measured.map((row) => (row.state === 'measured' ? [...row.ms] : [])));
      rows.push(measured.map((row, i) => (row.state === 'measured' ? matchedRow(i, row.ms, accuracy, members, ownLabel) : undefined)));
      measured.forEach((row, i) => {
        const margin = row.state === 'measured' ? ownMargin(row.ms.slice(0, accuracy.length), i) : null;
        if (margin !== null) passes[i]?.push(margin);
      });
    }
    family = { members, ms, rows };
    await writeJsonAtomic(path.join(outDir, 'accuracy-family.json'), { multipliers, ratios, devices: result.devices.map((d) => d.name), accuracy, members, ms });
  }
  await initBackend('wasm');
  await writeCompareJson(outDir, result);
  await writeCompareReport(outDir, result, { png: false, command: 'npm run bench:compare' });
  const flopsMatched = verdict(result, passes);
  const atAccuracy = family === undefined ? undefined : familyVerdict(result, family);
  const met = atAccuracy?.met ?? flopsMatched.met;
  const lines =
    atAccuracy === undefined
      ? flopsMatched.lines
      : [...atAccuracy.lines, '', 'One architecture per device, as in the tables above (the accuracy gap against a tolerance):', '', ...flopsMatched.lines];
  const section = [
    compareMarkdown(result).replace(/^## /, '#### '),
    `The seed, trained from scratch for ${args['retrain-epochs']} epochs as every architecture is retrained (the shrink runs start from it): ${seed.accuracy === undefined ? 'not tested' : pct(seed.accuracy)} test accuracy.`,
    floorSentence(args['min-width-ratio']),
    ...(validation === undefined
      ? []
      : [
          `Each device's architecture${ratios.length > 0 ? ' and each of its shrinks to the family\'s other ratios' : ''} is the best of ${args.candidates} shrink runs (seeds 1-${args.candidates}, \`--candidates ${args.candidates}\`), each run's architecture trained from scratch for ${args['retrain-epochs']} epoch(s)${args['candidate-trainings'] > 1 ? ` ${args['candidate-trainings']} times (seeds of their own) and scored by its mean accuracy` : ' and scored by its accuracy'} on training images ${VALIDATION_FROM + 1}-60,000 (never trained on); the scores and the choice are in each shrink run's report.json.`,
        ]),
    ...(args['retrain-seeds'] > 1
      ? [`Each architecture's accuracy is the mean of ${args['retrain-seeds']} retrainings (seeds 1-${args['retrain-seeds']}): ${result.architectures.map((a, i) => `${a.device} ${(retrained[i] ?? []).map(pct).join(', ')}`).join('; ')}.`]
      : []),
    '',
    `Target (each architecture the fastest of its row on its own device, measured, by ≥ 10%, at matched accuracy): **${met ? 'met' : 'not met'}**.`,
    '',
    ...lines,
    '',
    `Files: \`${path.relative(root, outDir)}/\` (compare.json, index.html, pictures).`,
  ].join('\n');
  sections.push(section.replace(/^### /gm, '##### '));
  log(section);
}

const cpus = os.cpus();
const command = `npm run bench:compare${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const rescaled = args['match-flops'] ? ';\nthen each is rescaled by one width multiplier to the FLOPs of the smallest and snapped to its device again' : '';
const body = `### Device-specific architectures (\`npm run bench:compare\`)

Command: \`${command}\`; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores, shared: load average ${loadAtStart.toFixed(1)} at the start), ${os.type()} ${os.release()}; date: ${started.toISOString().slice(0, 10)}.
For each model, MorphNet shrinks the seed (trained from scratch first, the way the architectures are retrained) for each device profile's latency to ${args['target-ratio']} of the seed's layer latency on that device
(the profile's network constant kept whole), ${args.steps} steps on wasm at batch ${args['batch-size']} on ${data.source.description}${rescaled};
each architecture is retrained from scratch for ${args['retrain-epochs']} epochs${args['retrain-seeds'] > 1 ? ` ${args['retrain-seeds']} times (seeds 1-${args['retrain-seeds']})` : ''} and tested on the test set; then every architecture is
timed end to end on every device here (batch 1, predict + download, warm-up, median of rounds, all models of a row interleaved)${
  families
    ? ` (the tables show that first pass), then ${args['measure-passes']} more pass(es) with every architecture's family beside it (${familyWords}), for the comparison at matched accuracy`
    : args['measure-passes'] > 1
      ? `,
in ${args['measure-passes']} passes one after another (the tables show the first; the target takes each row's median margin)`
      : ''
}.
Rows: the device; columns: the architecture shrunk for each device.

${sections.join('\n\n')}
`;
process.stdout.write(`${body}\n`);
if (!args['dry-run']) process.stdout.write(`written to ${await writeSection('bench:compare', body)}\n`);
process.exit(0);
