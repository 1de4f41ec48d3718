/**
 * `npm run bench:stage-widths`: a zoo model with some of its layers set to each of several widths, above
 * the seed's too, measured end to end on a backend and predicted by the given profiles. It shows what a
 * device's program cliffs do to a whole network (on webgpu, tfjs-webgpu's few-workgroups convolution
 * path below 33 outputs at 14x14) and whether a profile sees them, including past the widths its sweep
 * covered.
 *
 * Usage: node dist/benchmarks/stage-widths.js --model resnet-mini
 *        --layers s2b1_conv1,s2b1_conv2,s2b1_proj,s2b2_conv1,s2b2_conv2 --widths 28,32,36,40
 *        [--backend webgpu] [--profiles a.json,b.json] [--dry-run]
 */
import os from 'node:os';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { latencyTarget } from '../src/costs/latency/target.js';
import { networkCost } from '../src/costs/network.js';
import { buildGraph } from '../src/graph/index.js';
import { rebuildWithStructure } from '../src/graph/rebuild.js';
import { readProfile } from '../src/profile/io.js';
import { zooEntry } from '../src/zoo/index.js';
import { measureEndToEndMany } from '../profilers/end-to-end.js';
import { writeSection } from './markdown.js';

const args = await yargs(process.argv.slice(2))
  .option('model', { type: 'string', default: 'resnet-mini' })
  .option('layers', { type: 'string', default: 's2b1_conv1,s2b1_conv2,s2b1_proj,s2b2_conv1,s2b2_conv2', describe: 'layers set to each width' })
  .option('widths', { type: 'string', default: '28,32,36,40' })
  .option('backend', { type: 'string', default: 'webgpu' })
  .option('profiles', { type: 'string', default: '', describe: 'profiles whose predictions to show beside the measurements' })
  .option('dry-run', { type: 'boolean', default: false, describe: 'print, do not write BENCHMARKS.md' })
  .strict()
  .parseAsync();

await initBackend(args.backend);
const layers = args.layers.split(',');
const widths = args.widths.split(',').map(Number);
const seed = zooEntry(args.model).build();
const models = await Promise.all(widths.map((w) => rebuildWithStructure(seed, Object.fromEntries(layers.map((name) => [name, w])))));
const profiles = args.profiles === '' ? [] : args.profiles.split(',');
const predicted: number[][] = [];
for (const file of profiles) {
  const target = latencyTarget(await readProfile(file, { backend: args.backend }));
  predicted.push(models.map((m) => networkCost(buildGraph(m), target).total));
}

const measured = await measureEndToEndMany(models, { warmupMs: 1000, warmupRuns: 10, rounds: 15, runsPerRound: 3 });
const rows = widths.map((w, i) => `| ${w} | ${measured[i]!.medianMs.toFixed(2)} | ${predicted.map((p) => p[i]!.toFixed(2)).join(' | ')}${profiles.length > 0 ? ' |' : ''}`);

const cpus = os.cpus();
const body = `### Stage widths end to end (\`npm run bench:stage-widths\`)

Command: \`npm run bench:stage-widths${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`; backend ${args.backend}; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores), load average ${os.loadavg()[0]?.toFixed(1)} at the end; date: ${new Date().toISOString().slice(0, 10)}.
${args.model} with ${layers.map((l) => `\`${l}\``).join(', ')} set to each width (the seed's widths otherwise), measured end to end (batch 1, predict + download, warm-up, median of 15 rounds of 3 runs, the networks taking turns), and predicted by each profile.

| width | measured ms |${profiles.map((p) => ` ${p} ms |`).join('')}
| ---: | ---: |${profiles.map(() => ' ---: |').join('')}
${rows.join('\n')}
`;
if (!args['dry-run']) await writeSection(`bench:stage-widths:${args.backend}`, body);
process.stdout.write(body);
process.exit(0);
