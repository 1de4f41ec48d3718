/**
 * `npm run bench:regularizer`: the training-step time of each zoo model on wasm with MorphNet's
 * regularizer (FLOPs target, gradient term and proximal step alike) against without, interleaved in
 * rounds. Target: ≤ 5% overhead.
 *
 * Usage: node dist/benchmarks/regularizer.js [--steps 20] [--rounds 5] [--batch-size 32] [--dry-run]
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { median } from 'simple-statistics';
import yargs from 'yargs';
import { initBackend } from '../src/backends/index.js';
import { flopsTarget } from '../src/costs/index.js';
import { GammaProximal, NetworkRegularizer } from '../src/morph/index.js';
import { bundledFashionMnistDir, loadFashionMnist, makeOptimizer, train } from '../src/train/index.js';
import { ZOO } from '../src/zoo/index.js';
import { writeSection } from './markdown.js';

const args = await yargs(process.argv.slice(2))
  .option('steps', { type: 'number', default: 20 })
  .option('rounds', { type: 'number', default: 5 })
  .option('batch-size', { type: 'number', default: 32 })
  .option('dry-run', { type: 'boolean', default: false, describe: 'print, do not write BENCHMARKS.md' })
  .strict()
  .parseAsync();

await initBackend('wasm');
const data = await loadFashionMnist({ dataDir: bundledFashionMnistDir() });
const rows: string[] = [];
for (const entry of ZOO) {
  const model = entry.build();
  const optimizer = makeOptimizer('sgd', 0.02);
  const regularizer = new NetworkRegularizer(model, flopsTarget());
  const proximal = new GammaProximal(model, regularizer);
  const scale = 1 / regularizer.cost();
  const run = async (withRegularizer: boolean): Promise<number> => {
    const start = performance.now();
    await train(model, data.train, {
      steps: args.steps,
      optimizer,
      batchSize: args['batch-size'],
      ...(withRegularizer ? { extraLoss: () => tf.mul(regularizer.term(), 0), onStep: () => proximal.step(1e-9 * scale) } : {}),
    });
    return (performance.now() - start) / args.steps;
  };
  await run(false);
  await run(true);
  const plain: number[] = [];
  const regularized: number[] = [];
  for (let r = 0; r < args.rounds; r++) {
    plain.push(await run(false));
    regularized.push(await run(true));
  }
  const a = median(plain);
  const b = median(regularized);
  rows.push(`| ${entry.name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(((b - a) / a) * 100).toFixed(1)}% |`);
  process.stderr.write(`${rows[rows.length - 1]}\n`);
  regularizer.dispose();
  optimizer.dispose();
  model.dispose();
}
const cpus = os.cpus();
const body = `### Regularizer overhead on wasm (\`npm run bench:regularizer\`)

Command: \`npm run bench:regularizer -- ${process.argv.slice(2).join(' ')}\`; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores); date: ${new Date().toISOString().slice(0, 10)}.
Median over ${args.rounds} interleaved rounds of ${args.steps} training steps (batch ${args['batch-size']}, SGD), without and with
MorphNet's FLOPs regularizer (its term in the loss and the proximal gamma step after each step).

| model | ms/step without | ms/step with | overhead |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
if (!args['dry-run']) await writeSection('bench:regularizer', body);
process.stdout.write(body);
process.exit(0);
