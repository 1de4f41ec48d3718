/**
 * `npm run bench:conv-paths`: one convolution at one spatial size, timed over pairs of channel counts
 * on a backend, each labelled with the program path the latency fits' alignment rules put it on: on
 * webgpu, tfjs-webgpu's vec4 matrix program (input channels in 4s or 3s, outputs in 4s), its scalar one,
 * or, where the output fills at most 8 tiles of 32x32, patches copied out and multiplied by a
 * small-output program. The pairs take turns in rounds (the profilers' harness and the backend's
 * timer: wall time with readback, and on webgpu kernel time from timestamp queries).
 *
 * Usage: node dist/benchmarks/conv-paths.js [--backend webgpu] [--size 14] [--kernel 3] [--stride 1]
 *        [--pairs 16/16,24/24,32/32,36/36,40/40,30/34,40/39] [--rounds 9] [--dry-run]
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { ALIGNMENT_RULES } from '../src/costs/latency/types.js';
import { buildGraph } from '../src/graph/index.js';
import { geometryOf } from '../src/profile/signature.js';
import { profilerFor } from '../profilers/backends/registry.js';
import { timeProbes } from '../profilers/harness/bench.js';
import { writeSection } from './markdown.js';

const args = await yargs(process.argv.slice(2))
  .option('backend', { type: 'string', default: 'webgpu' })
  .option('size', { type: 'number', default: 14, describe: 'input height and width' })
  .option('kernel', { type: 'number', default: 3 })
  .option('stride', { type: 'number', default: 1 })
  .option('pairs', { type: 'string', default: '16/16,24/24,32/32,36/36,40/40,30/34,40/39', describe: 'input/output channel pairs' })
  .option('rounds', { type: 'number', default: 9 })
  .option('dry-run', { type: 'boolean', default: false, describe: 'print, do not write BENCHMARKS.md' })
  .strict()
  .parseAsync();

const pairs = args.pairs.split(',').map((p) => {
  const [cin, cout] = p.split('/').map(Number);
  if (!Number.isInteger(cin) || !Number.isInteger(cout) || cin! < 1 || cout! < 1) throw new Error(`--pairs: \`${p}\` is not in/out channel counts such as 32/32`);
  return [cin!, cout!] as const;
});

/** A one-layer model of the convolution and its geometry. */
function convolution(cin: number, cout: number): { model: tfl.LayersModel; path: string; mflop: number } {
  const input = tfl.input({ shape: [args.size, args.size, cin] });
  const layer = tfl.layers.conv2d({ filters: cout, kernelSize: args.kernel, strides: args.stride, padding: 'same', useBias: false });
  const model = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
  const g = geometryOf(buildGraph(model).ops[1]!, layer.getConfig() as Record<string, unknown>);
  const scalar = ALIGNMENT_RULES['in4or3-out4'](cin, cout, g, 1);
  const few = ALIGNMENT_RULES['in4or3-out4-few-workgroups'](cin, cout, g, 1) && !scalar;
  const [h = 1, w = 1] = g.outputShape;
  return { model, path: few ? 'few workgroups' : scalar ? 'scalar' : 'vec4', mflop: (2 * h * w * args.kernel * args.kernel * cin * cout) / 1e6 };
}

await initBackend(args.backend);
const profiler = profilerFor(args.backend);
const cases = pairs.map(([cin, cout]) => ({ cin, cout, ...convolution(cin, cout), x: tf.randomNormal([1, args.size, args.size, cin]) }));
const timings = await timeProbes(
  cases.map((c) => ({ id: `${c.cin}/${c.cout}`, run: () => c.model.predict(c.x) as tf.Tensor })),
  profiler.timer,
  { ...profiler.plan, rounds: args.rounds },
);
const rows = cases.map((c, i) => {
  const t = timings[i]!;
  const device = t.deviceMs === null || !Number.isFinite(t.deviceMs) ? '–' : t.deviceMs.toFixed(2);
  return `| ${c.cin} → ${c.cout} | ${c.path} | ${c.mflop.toFixed(2)} | ${t.rawWallMs.toFixed(2)} | ${device} | ${(c.mflop / t.rawWallMs).toFixed(2)} |`;
});

const cpus = os.cpus();
const body = `### Convolution program paths (\`npm run bench:conv-paths\`)

Command: \`npm run bench:conv-paths${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`; backend ${args.backend}; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores), load average ${os.loadavg()[0]?.toFixed(1)} at the end; date: ${new Date().toISOString().slice(0, 10)}.
A ${args.kernel}x${args.kernel} convolution, stride ${args.stride}, 'same', on a ${args.size}x${args.size} input at batch 1, over channel pairs taking turns (the ${args.backend} profiler's timing: warm-up, then ${args.rounds} rounds; medians).
Path: where the latency fits' alignment rules put the pair (tfjs-webgpu's vec4 matrix program, its scalar one, or few workgroups: the output fills at most 8 tiles of 32x32, and tfjs-webgpu copies patches out and multiplies them with a small-output program).

| channels | path | MFLOPs | wall ms (with readback) | kernel ms (one run under tf.profile) | MFLOP/ms (wall) |
| --- | --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`;
if (!args['dry-run']) await writeSection(`bench:conv-paths:${args.backend}`, body);
process.stdout.write(body);
process.exit(0);
