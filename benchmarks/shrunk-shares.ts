/**
 * `npm run bench:shrunk-shares`: how well device profiles price the networks shrinking makes. A shrink
 * budget is a share of the seed's predicted latency, so what a profile must get right there is each
 * shrunk network's predicted latency as a share of the seed's. bench:shrink's results hold, per (model,
 * device), the seed's and every architecture's latency measured end to end (MorphNet's, uniform and
 * FLOP-targeted ones, some groups down to a few channels, narrower than bench:predict's variants); this
 * compares each profile's predicted share with the measured one. Nothing is timed, so a profile made on
 * a busy machine is judged against latencies measured on a quiet one.
 *
 * Usage: node dist/benchmarks/shrunk-shares.js --profiles a.json,b.json [--results benchmarks/results/shrink.json]
 *        [--dry-run]
 * A model-specific profile is judged on its model's entry of its own device name; a generic one on every
 * model's entry of its device (`<name>-<model>`).
 */
import path from 'node:path';
import { median } from 'simple-statistics';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { latencyTarget, networkCost } from '../src/costs/index.js';
import { buildGraph } from '../src/graph/index.js';
import { readProfile } from '../src/profile/io.js';
import { packageRoot } from '../src/train/data/package-root.js';
import { zooEntry } from '../src/zoo/index.js';
import { exitOnInputError } from './input-error.js';
import { writeSection } from './markdown.js';
import { readRecordedLatencies } from './shrink-latencies.js';
import type { RecordedDevice } from './shrink-latencies.js';

const root = packageRoot(import.meta.url);
const args = await yargs(process.argv.slice(2))
  .option('profiles', { type: 'string', demandOption: true, describe: 'device profiles to judge, comma-separated' })
  .option('results', { type: 'string', default: 'benchmarks/results/shrink.json', describe: 'bench:shrink\'s results, with the measured latencies' })
  .option('dry-run', { type: 'boolean', default: false, describe: 'print, do not write BENCHMARKS.md' })
  .strict()
  .parseAsync();

const inputError = (e: unknown): never => exitOnInputError('bench:shrunk-shares', e);

/** A profile's share errors on one (model, device) entry: predicted share of the seed over measured share, minus 1. */
interface Judged {
  readonly file: string;
  readonly entry: RecordedDevice;
  readonly errors: readonly number[];
}

await initBackend('cpu');
const results = await readRecordedLatencies(path.resolve(root, args.results)).catch(inputError);
const judged: Judged[] = [];
for (const file of args.profiles.split(',')) {
  const profile = await readProfile(path.resolve(file)).catch(inputError);
  const entries = results.filter((e) => (profile.model == null ? e.device === `${profile.name}-${e.model}` : e.device === profile.name && e.model === profile.model.name));
  if (entries.length === 0) inputError(`${file}: ${args.results} has no measured architectures of device ${profile.name}`);
  const target = latencyTarget(profile);
  for (const entry of entries) {
    const seed = zooEntry(entry.model).build();
    const graph = buildGraph(seed);
    seed.dispose();
    const seedPredicted = networkCost(graph, target).total;
    const seedMeasured = median([...entry.seedMsPasses]);
    const errors = entry.architectures.map((a) => {
      const predictedShare = networkCost(graph, target, a.structure).total / seedPredicted;
      return predictedShare / (median([...a.msPasses]) / seedMeasured) - 1;
    });
    judged.push({ file, entry, errors });
  }
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const rows = judged.map(({ file, entry, errors }) => {
  const abs = errors.map(Math.abs);
  const worst = errors.reduce((w, e) => (Math.abs(e) > Math.abs(w) ? e : w), 0);
  return `| ${path.relative(root, path.resolve(file))} | ${entry.model} | ${entry.device} | ${errors.length} | ${pct(median(abs))} | ${abs.filter((e) => e <= 0.1).length} of ${abs.length} | ${worst >= 0 ? '+' : ''}${pct(worst)} |`;
});
const body = `### Shrunk networks as a share of the seed (\`npm run bench:shrunk-shares\`)

Command: \`npm run bench:shrunk-shares -- ${process.argv.slice(2).join(' ')}\`; date: ${new Date().toISOString().slice(0, 10)}.
Each profile's predicted latency of bench:shrink's architectures (\`${args.results}\`) as a share of its prediction for the seed,
against the measured share (each latency the median of its recorded passes); error = predicted share / measured share − 1.

| profile | model | measured on | architectures | median abs. share error | within ±10% | worst |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
if (!args['dry-run']) await writeSection('bench:shrunk-shares', body);
process.stdout.write(body);
process.exit(0);
