/**
 * `npm run bench:train`: training throughput (images/s) of every zoo model on wasm, cpu and webgpu,
 * `train()` on Fashion-MNIST at batch 32: warm-up steps, then several runs of a fixed number of timed
 * steps, the median run counting.
 * For wasm, also the share of its bound: the backend's measured forward conv rate (GFLOP/s) divided
 * by the model's training FLOPs per image (3x the forward FLOPs), and, for one model, where the time
 * of a training step goes (tf.profile, top-level kernels only, so composite gradient kernels count
 * once with everything they run). For wasm it also times the forward pass alone (inference, batch as
 * in training) with tfjs' own kernels: a training step runs that forward and a backward of at least
 * as much work, so twice the forward time is a floor under the step that no gradient kernel can lower,
 * and the bound's share at that floor is the most these kernels can reach.
 *
 * Usage: node dist/benchmarks/train.js [--backends wasm,cpu,webgpu] [--models a,b] [--warmup 3]
 *        [--steps 10] [--rounds 5] [--budget-s 120] [--batch 32] [--breakdown resnet-mini,mobilenet-mini] [--dry-run]
 *
 * A backend too slow for the fixed step count within --budget-s (tfjs' cpu backend computes the conv
 * filter gradient at about 0.01 GFLOP/s, a step taking minutes) times fewer steps; the table says how many.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import yargs from 'yargs';
import { duringTrainingStep, initBackend } from '../src/backends/index.js';
import { flopsTarget, networkCost } from '../src/costs/index.js';
import { buildGraph } from '../src/graph/index.js';
import { classificationLossFor, loadFashionMnist, makeOptimizer, train } from '../src/train/index.js';
import type { ImageDataset } from '../src/train/index.js';
import { ZOO, zooEntry } from '../src/zoo/index.js';
import { writeSection } from './markdown.js';

/** Training FLOPs per image: the forward pass, the input gradient and the weight gradient. */
const TRAINING_FLOPS_PER_FORWARD = 3;

/** One backend and model: measured, or why not (a failure is a row, not a crash). */
type Throughput =
  | { readonly state: 'completed'; readonly imagesPerSecond: number; readonly msPerStep: number; readonly steps: number; readonly rounds: number }
  | { readonly state: 'errored'; readonly error: string };

interface Row {
  readonly backend: string;
  readonly model: string;
  readonly forwardFlops: number;
  readonly throughput: Throughput;
  /** wasm only: ms of one inference forward pass at the training batch. */
  readonly forwardMs?: number;
  /** wasm only: the forward conv rate (GFLOP/s) timed just before and just after this model's steps. */
  readonly convRates?: readonly [ConvRate, ConvRate];
}

/** wasm's forward conv rate, GFLOP/s, on the roofline microbenchmark's shape and a training-shaped one. */
interface ConvRate {
  readonly roofline: number;
  readonly trainingShaped: number;
}

const args = await yargs(process.argv.slice(2))
  .option('backends', { type: 'string', default: 'wasm,cpu,webgpu' })
  .option('models', { type: 'string', default: ZOO.map((m) => m.name).join(',') })
  .option('warmup', { type: 'number', default: 3 })
  .option('steps', { type: 'number', default: 10 })
  .option('rounds', { type: 'number', default: 5, describe: 'timed runs of --steps steps per model; the median run counts (slow backends: one)' })
  .option('budget-s', { type: 'number', default: 120, describe: 'seconds of timed steps per model at most (slow backends time fewer steps)' })
  .option('batch', { type: 'number', default: 32 })
  .option('breakdown', { type: 'string', default: 'resnet-mini,mobilenet-mini', describe: 'models whose wasm step is broken down by kernel, comma-separated ("" for none)' })
  .option('dry-run', { type: 'boolean', default: false, describe: 'print, do not write BENCHMARKS.md' })
  .strict()
  .parseAsync();

/** Seconds of warm-up steps at least, on a backend fast enough to warm up (see `measureThroughput`). */
const WARMUP_SECONDS = 2;

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const message = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] ?? String(e) : String(e));

/**
 * GFLOP/s of a 3x3 'same' conv of `xShape` to `outChannels` on the active backend: the median of 5
 * rounds, each at least 0.2 GFLOP of back-to-back runs (results read back), after 2 warm-up runs.
 */
function convRate(xShape: [number, number, number, number], outChannels: number): number {
  const x = tf.randomNormal(xShape) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, xShape[3], outChannels]) as tf.Tensor4D;
  const flops = 2 * xShape[0] * xShape[1] * xShape[2] * 9 * xShape[3] * outChannels;
  const run = (): void => {
    const y = tf.conv2d(x, w, 1, 'same');
    y.dataSync();
    y.dispose();
  };
  try {
    run();
    run();
    const runs = Math.max(3, Math.ceil(2e8 / flops));
    const rates: number[] = [];
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (let i = 0; i < runs; i++) run();
      rates.push((flops * runs) / ((performance.now() - start) * 1e6));
    }
    return rates.sort((a, b) => a - b)[2] ?? Number.NaN;
  } finally {
    tf.dispose([x, w]);
  }
}

/** wasm's forward conv rate: the roofline microbenchmark's conv and one shaped like resnet-mini's. */
function measureConvRate(): ConvRate {
  return { roofline: convRate([1, 14, 14, 64], 64), trainingShaped: convRate([args.batch, 14, 14, 32], 32) };
}

/**
 * Images per second of `train()` on the active backend: warm-up (at least `warmup` steps and
 * WARMUP_SECONDS), then `rounds` runs of `steps` timed steps with the same optimizer, of which the
 * median run counts. A backend whose first step takes longer than a tenth of `budget-s` gets no more
 * warm-up, and one run of as many timed steps (at least one, at most `steps`) as fit in `budget-s`.
 */
async function measureThroughput(model: tfl.LayersModel, data: ImageDataset): Promise<Throughput> {
  const optimizer = makeOptimizer('adam', 0.001);
  try {
    const first = await train(model, data, { optimizer, steps: 1, batchSize: args.batch });
    const fast = first.seconds < args['budget-s'] / 10;
    if (fast) {
      const started = performance.now();
      for (let done = 1; done < args.warmup || performance.now() - started < WARMUP_SECONDS * 1000; done += args.warmup) {
        await train(model, data, { optimizer, steps: args.warmup, batchSize: args.batch });
      }
    }
    const steps = Math.max(1, Math.min(args.steps, Math.floor(args['budget-s'] / first.seconds)));
    const runs = [];
    const rounds = fast ? Math.max(1, Math.min(args.rounds, Math.floor(args['budget-s'] / (steps * first.seconds)))) : 1;
    for (let round = 0; round < rounds; round++) runs.push(await train(model, data, { optimizer, steps, batchSize: args.batch, seed: 1 + round }));
    const median = [...runs].sort((a, b) => a.imagesPerSecond - b.imagesPerSecond)[Math.floor(runs.length / 2)]!;
    return { state: 'completed', imagesPerSecond: median.imagesPerSecond, msPerStep: (median.seconds * 1000) / median.steps, steps, rounds };
  } catch (e) {
    return { state: 'errored', error: message(e) };
  } finally {
    optimizer.dispose();
  }
}

/**
 * Milliseconds of one inference forward pass of `model` at the training batch with the kernels a
 * training step runs (`duringTrainingStep`), outputs read back: the median of 5 rounds of 5 passes
 * after a time-based warm-up (at least 10 passes and 2 s).
 */
async function forwardPassMs(model: tfl.LayersModel, data: ImageDataset): Promise<number> {
  const { xs, ys } = data.take(args.batch).toTensors();
  const pass = async (): Promise<void> => {
    const y = duringTrainingStep(() => model.predict(xs) as tf.Tensor);
    await y.data();
    y.dispose();
  };
  try {
    const warmStart = performance.now();
    for (let i = 0; i < 10 || performance.now() - warmStart < 2000; i++) await pass();
    const rounds: number[] = [];
    for (let round = 0; round < 5; round++) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await pass();
        times.push(performance.now() - start);
      }
      rounds.push(times.sort((a, b) => a - b)[2] ?? Number.NaN);
    }
    return rounds.sort((a, b) => a - b)[2] ?? Number.NaN;
  } finally {
    tf.dispose([xs, ys]);
  }
}

/** Milliseconds per kernel name over the top-level kernels of one profiled training step. */
async function stepBreakdown(model: tfl.LayersModel, data: ImageDataset): Promise<{ stepMs: number; kernels: [string, number, number][] }> {
  const optimizer = makeOptimizer('adam', 0.001);
  const lossFn = classificationLossFor(model);
  const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const { xs, ys } = data.take(args.batch).toTensors();
  const step = (): tf.Scalar =>
    duringTrainingStep(() => optimizer.minimize(() => lossFn(ys, model.apply(xs, { training: true }) as tf.Tensor), true, variables), model) as tf.Scalar;
  try {
    let stepMs = 0;
    for (let i = 0; i <= args.warmup; i++) {
      const start = performance.now();
      const loss = step();
      await loss.data();
      stepMs = performance.now() - start;
      loss.dispose();
    }
    // The engine records a nested kernel (run inside a composite kernel) too; it pushes each record
    // when its kernel returns, so the depth at that moment tells top-level kernels (0) apart.
    const depths: number[] = [];
    const info = await tf.profile(() => {
      const records = tf.engine().state.activeProfile.kernels;
      const push = records.push.bind(records);
      records.push = (...items) => {
        for (let i = 0; i < items.length; i++) depths.push(tf.engine().state.kernelDepth);
        return push(...items);
      };
      return step();
    });
    tf.dispose(info.result);
    const byName = new Map<string, [number, number]>();
    info.kernels.forEach((k, i) => {
      if (depths[i] !== 0) return;
      const [ms, count] = byName.get(k.name) ?? [0, 0];
      byName.set(k.name, [ms + (k.kernelTimeMs as number), count + 1]);
    });
    return { stepMs, kernels: [...byName].map(([name, [ms, count]]) => [name, ms, count] as [string, number, number]).sort((a, b) => b[1] - a[1]) };
  } finally {
    optimizer.dispose();
    tf.dispose([xs, ys]);
  }
}

const date = new Date().toISOString().slice(0, 10);
const loadAtStart = os.loadavg()[0] ?? 0;
const models = args.models.split(',');
const data = await loadFashionMnist({ trainLimit: args.batch * Math.max(args.warmup, args.steps) * 2 });
log(`data: ${data.source.description}`);
await initBackend('cpu');
const forwardFlops = new Map(models.map((name) => [name, networkCost(buildGraph(zooEntry(name).build()), flopsTarget()).total]));
const rows: Row[] = [];
const breakdowns = new Map<string, Awaited<ReturnType<typeof stepBreakdown>>>();
const breakdownModels = args.breakdown.split(',').filter((m) => m !== '');

for (const backendName of args.backends.split(',')) {
  let started: string | undefined;
  try {
    await initBackend(backendName);
  } catch (e) {
    started = message(e);
  }
  for (const name of models) {
    const flops = forwardFlops.get(name) ?? Number.NaN;
    if (started !== undefined) {
      rows.push({ backend: backendName, model: name, forwardFlops: flops, throughput: { state: 'errored', error: started } });
      continue;
    }
    const model = zooEntry(name).build();
    log(`[${backendName}] ${name}: warm-up, then up to ${args.rounds} runs of ${args.steps} timed steps of ${args.batch}`);
    const rateBefore = backendName === 'wasm' ? measureConvRate() : undefined;
    const throughput = await measureThroughput(model, data.train);
    const rateAfter = backendName === 'wasm' ? measureConvRate() : undefined;
    const forwardMs = backendName === 'wasm' && throughput.state === 'completed' ? await forwardPassMs(model, data.train) : undefined;
    const convRates = rateBefore !== undefined && rateAfter !== undefined ? ([rateBefore, rateAfter] as const) : undefined;
    rows.push({
      backend: backendName,
      model: name,
      forwardFlops: flops,
      throughput,
      ...(forwardMs === undefined ? {} : { forwardMs }),
      ...(convRates === undefined ? {} : { convRates }),
    });
    log(`[${backendName}] ${name}: ${throughput.state === 'completed' ? `${throughput.imagesPerSecond.toFixed(1)} img/s` : throughput.error}`);
    if (backendName === 'wasm' && breakdownModels.includes(name)) breakdowns.set(name, await stepBreakdown(model, data.train));
    model.dispose();
  }
}

/** The bound's rate beside a row: the larger of the two convs, averaged over before and after its steps. */
const rateOf = (r: Row): number | undefined =>
  r.convRates === undefined ? undefined : r.convRates.reduce((s, c) => s + Math.max(c.roofline, c.trainingShaped), 0) / r.convRates.length;
const rates = rows.map(rateOf).filter((x): x is number => x !== undefined);
const table = rows.map((r) => {
  const rate = rateOf(r);
  const mflops = (r.forwardFlops / 1e6).toFixed(2);
  if (r.throughput.state === 'errored') return `| ${r.backend} | ${r.model} | ${mflops} | – | – | – | – | – | – | – | ${r.throughput.error} |`;
  const { imagesPerSecond, msPerStep, steps, rounds } = r.throughput;
  let bound = '–';
  let share = '–';
  let ceiling = '–';
  if (r.backend === 'wasm' && rate !== undefined) {
    const boundIps = (rate * 1e9) / (TRAINING_FLOPS_PER_FORWARD * r.forwardFlops);
    bound = boundIps.toFixed(0);
    share = `${((imagesPerSecond / boundIps) * 100).toFixed(0)}%`;
    bound += ` (${rate.toFixed(1)} GFLOP/s)`;
    if (r.forwardMs !== undefined) ceiling = `${(((args.batch * 1000) / (2 * r.forwardMs) / boundIps) * 100).toFixed(0)}%`;
  }
  const forward = r.forwardMs === undefined ? '–' : r.forwardMs.toFixed(1);
  return `| ${r.backend} | ${r.model} | ${mflops} | ${rounds > 1 ? `${rounds} × ${steps}` : steps} | ${imagesPerSecond.toFixed(1)} | ${msPerStep.toFixed(0)} | ${bound} | ${share} | ${forward} | ${ceiling} | |`;
});

const breakdownText = [...breakdowns]
  .map(([model, breakdown]) => {
    const total = breakdown.kernels.reduce((s, [, ms]) => s + ms, 0);
    const top = breakdown.kernels.slice(0, 14).map(([name, ms, count]) => `| ${name} | ${count} | ${ms.toFixed(1)} | ${((ms / total) * 100).toFixed(0)}% |`);
    return `
Where a wasm training step of ${model} goes (batch ${args.batch}; one step under \`tf.profile\`, top-level kernels,
${breakdown.stepMs.toFixed(0)} ms unprofiled, ${total.toFixed(0)} ms profiled; composite gradient kernels include what they run):

| kernel | calls | ms | share |
| --- | --- | --- | --- |
${top.join('\n')}
`;
  })
  .join('');

const cpus = os.cpus();
const body = `## Training throughput (\`npm run bench:train\`)

Command: \`npm run bench:train${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores, shared: load average ${loadAtStart.toFixed(1)} at the start), ${os.type()} ${os.release()}; date: ${date}.
\`train()\` with Adam at batch ${args.batch} on Fashion-MNIST (${data.source.kind}): at least ${args.warmup} warm-up steps and ${WARMUP_SECONDS} s of them, then ${args.rounds} runs of ${args.steps} timed steps
(data preparation included), of which the median run counts ("timed steps": runs × steps); a backend whose first step takes over ${args['budget-s'] / 10} s gets
no more warm-up and one run of the steps that fit in ${args['budget-s']} s.
wasm's bound: its forward conv rate over ${TRAINING_FLOPS_PER_FORWARD}x the forward FLOPs per image. The rate is timed beside each model, just before and just after its
training steps (this machine's speed moves by tens of percent between minutes), as the larger of two 3x3 convs, the roofline
microbenchmark's 1x14x14x64→64 and resnet-mini's ${args.batch}x14x14x32→32, averaged over the two timings${rates.length === 0 ? '' : `: ${Math.min(...rates).toFixed(1)} to ${Math.max(...rates).toFixed(1)} GFLOP/s in this run`}.
Forward pass: one inference pass at batch ${args.batch} with the kernels a training step swaps in on wasm (morphlat's training-only ones, see README, Backends; tfjs' own otherwise) (median of 5 rounds of 5 after a 2 s warm-up);
a training step runs a forward pass and a backward pass of at least as much work, so the last column, the bound's share at a step of
exactly twice the forward pass, is the most that faster gradient kernels could reach.

| backend | model | forward MFLOP/image | timed steps | images/s | ms/step | wasm bound images/s | share of bound | forward pass ms | share of bound at 2x the forward pass | note |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${table.join('\n')}
${breakdownText}`;

process.stdout.write(body);
if (!args['dry-run']) process.stdout.write(`\nwritten to ${await writeSection('bench:train', body)}\n`);
process.exit(0);
