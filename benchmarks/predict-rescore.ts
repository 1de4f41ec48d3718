/**
 * `npm run bench:predict-rescore`: a profile scored on the latencies earlier bench:predict runs measured,
 * timing nothing. Each stored run keeps its zoo width variants, their measured latencies and each
 * profile's "device speed now" ratio (how its calibration networks ran beside the variants), so a
 * change in fitting or calibration (a profile refitted with `morphlat profile --refit`) can be judged on
 * hundreds of measured variants in seconds. The speed ratio applies to any profile measured in the same
 * profiling run (a refit keeps its networks' measurements), not to one measured again.
 *
 * Usage: node dist/benchmarks/predict-rescore.js --profile FILE (a generic profile, or a pattern with
 *        {model} for model-specific ones) --runs a.json,b.json [--speed generic|specific]
 */
import { median } from 'simple-statistics';
import { promises as fs } from 'node:fs';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { latencyTarget } from '../src/costs/latency/target.js';
import { networkCost } from '../src/costs/network.js';
import { buildGraph } from '../src/graph/index.js';
import type { Structure } from '../src/graph/alive.js';
import { readProfile } from '../src/profile/io.js';
import { zooEntry } from '../src/zoo/index.js';

const args = await yargs(process.argv.slice(2))
  .option('profile', { type: 'string', demandOption: true })
  .option('runs', { type: 'string', demandOption: true, describe: 'results files of bench:predict runs (benchmarks/results/predict-*.json)' })
  .option('speed', { choices: ['generic', 'specific'] as const, describe: "which of the stored speed ratios applies (default: specific when --profile has {model})" })
  .strict()
  .parseAsync();

/** One model's entry of a stored bench:predict run. */
interface StoredModel {
  readonly model: string;
  readonly structures: readonly Structure[];
  readonly measured: readonly number[];
  readonly genericSpeed: { readonly ratio: number } | null;
  readonly specificSpeed: { readonly ratio: number } | null;
}

await initBackend('cpu');
const speed = args.speed ?? (args.profile.includes('{model}') ? 'specific' : 'generic');
const lines: string[] = [];
let within = 0;
let total = 0;
for (const file of args.runs.split(',')) {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) {
    process.stderr.write(`bench:predict-rescore: --runs: cannot read \`${file}\`\n`);
    process.exit(1);
  }
  const run = JSON.parse(text) as StoredModel[];
  const cells: string[] = [];
  let runWithin = 0;
  for (const entry of run) {
    const graph = buildGraph(zooEntry(entry.model).build());
    const target = latencyTarget(await readProfile(args.profile.replace('{model}', entry.model)));
    const ratio = (speed === 'generic' ? entry.genericSpeed : entry.specificSpeed)?.ratio ?? 1;
    const errors = entry.structures.map((s, i) => Math.abs((networkCost(graph, target, s).total * ratio) / entry.measured[i]! - 1));
    const hits = errors.filter((e) => e <= 0.1).length;
    runWithin += hits;
    total += errors.length;
    cells.push(`${entry.model} ${hits}/${errors.length} (median ${(100 * median(errors)).toFixed(1)}%)`);
  }
  within += runWithin;
  lines.push(`${file}: ${cells.join(', ')}; ${runWithin} within ±10%`);
}
process.stdout.write(`${lines.join('\n')}\n${args.profile} × ${speed} speed now: ${within} of ${total} within ±10%\n`);
process.exit(0);
