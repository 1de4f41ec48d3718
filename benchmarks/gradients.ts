/**
 * `npm run bench:gradients`: where a wasm training step's convolution time goes, layer by layer. For
 * every convolution of the zoo models (their own shapes, at the training batch), the forward kernel and
 * the two gradient kernels morphlat gives wasm (the filter's and the input's), each both with
 * morphlat's SIMD loops and with them off (the compositions of wasm's own kernels), timed one after
 * another in rounds so the machine's drift hits all five alike; each gradient is also given as a
 * multiple of its forward kernel, which is what a training step's share of the wasm bound depends on. Kernels only:
 * wasm computes when a kernel is called, and a training step never downloads these tensors, so nothing
 * is read back (which would add an output-sized copy, large for a forward pass, tiny for a filter's
 * gradient).
 *
 * Usage: node dist/benchmarks/gradients.js [--models plain-cnn,resnet-mini,...] [--batch 32] [--rounds 7]
 *        [--dry-run]
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { setWasmSimdEnabled } from '../src/backends/wasm/simd.js';
import { ZOO, zooEntry } from '../src/zoo/index.js';
import { timeProbes } from '../profilers/harness/bench.js';
import type { TimingPlan } from '../profilers/harness/bench.js';
import { wallTimer } from '../profilers/harness/timer.js';
import { writeSection } from './markdown.js';

const args = await yargs(process.argv.slice(2))
  .option('models', { type: 'string', default: ZOO.map((m) => m.name).join(',') })
  .option('batch', { type: 'number', default: 32 })
  .option('rounds', { type: 'number', default: 7 })
  .option('dry-run', { type: 'boolean', default: false, describe: 'print, do not write BENCHMARKS.md' })
  .strict()
  .parseAsync();

/** One convolution of a model, as its kernels see it. */
interface ConvLayer {
  readonly name: string;
  readonly depthwise: boolean;
  readonly inputShape: [number, number, number, number];
  readonly filterShape: [number, number, number, number];
  readonly strides: [number, number];
  readonly pad: 'same' | 'valid';
}

function convLayers(model: tfl.LayersModel, batch: number): ConvLayer[] {
  const layers: ConvLayer[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind !== 'Conv2D' && kind !== 'DepthwiseConv2D') continue;
    const config = layer.getConfig() as { kernelSize: number[]; strides: number[]; padding: string; filters?: number; depthMultiplier?: number };
    const [, h = 1, w = 1, c = 1] = (layer.input as tfl.SymbolicTensor).shape;
    const [kh = 1, kw = 1] = config.kernelSize;
    const depthwise = kind === 'DepthwiseConv2D';
    layers.push({
      name: layer.name,
      depthwise,
      inputShape: [batch, h as number, w as number, c as number],
      filterShape: [kh, kw, c as number, depthwise ? (config.depthMultiplier ?? 1) : (config.filters ?? 1)],
      strides: [config.strides[0] ?? 1, config.strides[1] ?? 1],
      pad: config.padding === 'valid' ? 'valid' : 'same',
    });
  }
  return layers;
}

/** `kernel` run with morphlat's SIMD loops off, so it takes its composition of wasm's own kernels. */
function composite(kernel: () => tf.Tensor): tf.Tensor {
  setWasmSimdEnabled(false);
  try {
    return kernel();
  } finally {
    setWasmSimdEnabled(true);
  }
}

/** How each layer's kernels are timed, taking turns. */
const plan: TimingPlan = { warmupMs: 1000, warmupRuns: 10, rounds: args.rounds, iterations: 5 };

await initBackend('wasm');
const rows: string[] = [];
for (const name of args.models.split(',')) {
  const model = zooEntry(name).build();
  for (const l of convLayers(model, args.batch)) {
    const x = tf.randomNormal(l.inputShape);
    const w = tf.randomNormal(l.filterShape);
    const forward = (): tf.Tensor =>
      l.depthwise ? tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, l.strides, l.pad) : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, l.strides, l.pad);
    const dy = forward();
    const attrs = { strides: l.strides, pad: l.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const filterGrad = (): tf.Tensor =>
      tf.engine().runKernel(l.depthwise ? tf.DepthwiseConv2dNativeBackpropFilter : tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: l.filterShape }) as tf.Tensor;
    const inputGrad = (): tf.Tensor =>
      tf.engine().runKernel(l.depthwise ? tf.DepthwiseConv2dNativeBackpropInput : tf.Conv2DBackpropInput, { dy, filter: w }, { ...attrs, inputShape: l.inputShape }) as tf.Tensor;
    const timings = await timeProbes(
      [
        { id: 'forward', run: forward },
        { id: 'filter', run: filterGrad },
        { id: 'filter-composite', run: () => composite(filterGrad) },
        { id: 'input', run: inputGrad },
        { id: 'input-composite', run: () => composite(inputGrad) },
      ],
      wallTimer,
      plan,
    );
    const [f = Number.NaN, dw = Number.NaN, dwComposite = Number.NaN, dx = Number.NaN, dxComposite = Number.NaN] = timings.map((t) => t.wallMs);
    const multiple = (ms: number): string => `${ms.toFixed(2)} (${(ms / f).toFixed(1)}x)`;
    const row = `| ${name} | ${l.name} | ${l.depthwise ? 'depthwise' : 'conv'} | ${l.inputShape.slice(1).join('x')} | ${l.filterShape.join('x')} | ${l.strides[0]} | ${f.toFixed(2)} | ${multiple(dw)} | ${multiple(dwComposite)} | ${multiple(dx)} | ${multiple(dxComposite)} |`;
    rows.push(row);
    process.stderr.write(`${row}\n`);
    tf.dispose([x, w, dy]);
  }
  model.dispose();
}

const cpus = os.cpus();
const body = `### wasm convolution kernels per layer (\`npm run bench:gradients\`)

Command: \`npm run bench:gradients -- ${process.argv.slice(2).join(' ')}\`; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores), load average ${os.loadavg()[0]?.toFixed(1)} at the end; date: ${new Date().toISOString().slice(0, 10)}.
Every convolution of the zoo models at batch ${args.batch} on wasm: the forward kernel (tfjs'), the filter gradient and the input gradient
(morphlat's wasm kernels, as a training step runs them, and with morphlat's SIMD loops turned off: the compositions of wasm's own
kernels they replace), kernel time only (no result read back), taking turns (the profilers' timing harness: a warm-up of at least ${plan.warmupMs / 1000} s and ${plan.warmupRuns} runs each, then ${plan.rounds} rounds of ${plan.iterations} runs); medians, with each gradient as a
multiple of its forward kernel.

| model | layer | op | input | filter | stride | forward ms | filter gradient ms | filter gradient, SIMD off | input gradient ms | input gradient, SIMD off |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
if (!args['dry-run']) await writeSection('bench:gradients', body);
process.stdout.write(body);
process.exit(0);
