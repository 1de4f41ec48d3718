/**
 * `npm run bench:shrink-resample`: bench:shrink's (b) judged again from its results files, timing and
 * training nothing. Each stored (model, device) keeps every network's retrained accuracies and its
 * latency in every timing pass, so how far retraining noise moves a device's verdict (each network's
 * retrainings drawn again, as (b)'s row "drawn again") can be read for runs made before that row was, or
 * whose work folders are gone.
 *
 * Usage: node dist/benchmarks/shrink-resample.js --results a.json,b.json [--resamples 1000]
 */
import { promises as fs } from 'node:fs';
import yargs from 'yargs';
import { percent as pct } from './markdown.js';
import { parseRecordedLatencies } from './shrink-latencies.js';
import type { RecordedDevice } from './shrink-latencies.js';
import { distinctNetworks, resampledVerdict, timedVerdict } from './target-margins.js';
import type { RetrainedTimings, TimedPoint } from './target-margins.js';

const args = await yargs(process.argv.slice(2))
  .option('results', { type: 'string', demandOption: true, describe: 'results files of bench:shrink runs (benchmarks/results/shrink*.json)' })
  .option('resamples', { type: 'number', default: 1000 })
  .check((a) => (Number.isInteger(a.resamples) && a.resamples >= 1) || '--resamples must be a whole number ≥ 1')
  .strict()
  .parseAsync();

/** A stored network with its mean accuracy, every retraining's and its latency in every pass. */
const timed = (a: RecordedDevice['architectures'][number]): TimedPoint & RetrainedTimings => ({
  accuracy: a.accuracy ?? Number.NaN,
  accuracies: a.accuracies ?? [a.accuracy ?? Number.NaN],
  msPasses: a.msPasses,
});

const lines = ['| results | model | device | (b) per pass | (b) | resampled: 90% between | at or above 10% |', '| --- | --- | --- | --- | --- | --- | --- |'];
for (const file of args.results.split(',')) {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) {
    process.stderr.write(`bench:shrink-resample: --results: cannot read \`${file}\`\n`);
    process.exit(1);
  }
  let runs: RecordedDevice[];
  try {
    runs = parseRecordedLatencies(text, file);
  } catch {
    process.stderr.write(`bench:shrink-resample: --results: \`${file}\` is not a bench:shrink results file (a list of { model, device, seedMsPasses, architectures })\n`);
    process.exit(1);
  }
  for (const run of runs) {
    const latency = distinctNetworks(run.architectures.filter((a) => a.method === 'latency' && a.device === run.device)).kept.map(timed);
    const flops = distinctNetworks(run.architectures.filter((a) => a.method === 'flops')).kept.map(timed);
    const passes = run.seedMsPasses.length;
    const verdict = timedVerdict(latency, flops, passes);
    const resampled = resampledVerdict(latency, flops, passes, { resamples: args.resamples });
    lines.push(
      `| ${file} | ${run.model} | ${run.device} | ${verdict.perPass.map((m) => (m === undefined ? '–' : pct(m))).join(', ')} | ${verdict.margin === undefined ? '–' : pct(verdict.margin)} | ${resampled === undefined ? '–' : `${pct(resampled.low)} and ${pct(resampled.high)}`} | ${resampled === undefined ? '–' : `${pct(resampled.atLeast)} of ${resampled.count}`} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
