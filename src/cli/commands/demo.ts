/**
 * `morphlat demo`: the main job on embedded defaults. Profile this machine's wasm backend for a zoo
 * model, train it on the bundled Fashion-MNIST subset, shrink the trained model with MorphNet for that
 * measured latency, retrain the shrunk architecture from scratch the same way, and print the seed
 * against the shrunk model: predicted and measured latency, and accuracy.
 */
import path from 'node:path';
import { measureEndToEndMany } from '../../../profilers/end-to-end.js';
import { runProfile } from '../../../profilers/run.js';
import { initBackend } from '../../backends/index.js';
import { CancelledError, UsageError } from '../../errors.js';
import { analyticTargetNamed, latencyTarget, networkCost } from '../../costs/index.js';
import { buildGraph, loadModelFile } from '../../graph/index.js';
import { writeProfile } from '../../profile/io.js';
import { profileProgressBar } from '../../report/profile-progress.js';
import { shrinkProgressBar } from '../../report/shrink-progress.js';
import { formatNumber, renderTable } from '../../report/table.js';
import { retrainFromScratch, runShrink } from '../../shrink/index.js';
import { bundledFashionMnistDir, classificationAccuracy, loadFashionMnist } from '../../train/index.js';
import { zooEntry } from '../../zoo/index.js';
import type { CommandSpec } from '../command.js';
import { numberArg, stringArg } from '../command.js';
import { abortOnInterrupt } from '../interrupt.js';

export const demoCommand: CommandSpec = {
  command: 'demo',
  describe: 'the main job on embedded defaults: profile wasm, shrink resnet-mini for its latency, compare',
  options: {
    model: { type: 'string', describe: 'zoo model', default: 'resnet-mini' },
    'budget-s': { type: 'number', describe: 'profiling budget in seconds', default: 40 },
    'target-ratio': { type: 'number', describe: 'shrink to this share of the seed\'s latency', default: 0.6 },
    steps: { type: 'number', describe: 'shrinking steps', default: 400 },
    'retrain-epochs': { type: 'number', describe: 'epochs the seed (before shrinking) and the shrunk model are each trained from scratch', default: 2 },
    'train-limit': { type: 'number', describe: 'use only the first N training images of the subset (default: all 3,000)' },
    out: { type: 'string', describe: 'output folder', default: 'morphlat-demo' },
  },
  async run(args, io) {
    const name = stringArg(args, 'model') ?? 'resnet-mini';
    const out = stringArg(args, 'out') ?? 'morphlat-demo';
    const trainLimit = numberArg(args, 'train-limit');
    const retrainEpochs = numberArg(args, 'retrain-epochs') ?? 2;
    if (!(Number.isInteger(retrainEpochs) && retrainEpochs >= 1)) throw new UsageError(`\`--retrain-epochs\` must be a whole number ≥ 1, got ${retrainEpochs}`);
    const backend = await initBackend('wasm');
    io.out(`1/4 profiling ${backend.identity.cpuModel} (${backend.identity.cpuCores} cores), wasm backend, for ${name}`);
    const seed = zooEntry(name).build();
    const interrupt = abortOnInterrupt();
    try {
      const profileBar = profileProgressBar({ interactive: io.interactive });
      const profile = await runProfile({
        backend,
        model: { model: seed, name },
        budgetSeconds: numberArg(args, 'budget-s') ?? 40,
        signal: interrupt.signal,
        onProgress: profileBar.onProgress,
      });
      profileBar.stop();
      const profileFile = path.join(out, 'profile.json');
      await writeProfile(profileFile, profile);
      const e2e = profile.validation.endToEnd;
      io.out(`    wrote ${profileFile}${e2e === null ? '' : `; held-out networks predicted within ${(e2e.medianAbsError * 100).toFixed(1)}% (median)`}`);

      io.out(`2/4 training the seed on the bundled Fashion-MNIST subset for ${retrainEpochs} epochs`);
      const data = await loadFashionMnist({ dataDir: bundledFashionMnistDir(), ...(trainLimit === undefined ? {} : { trainLimit }) });
      const seedRun = await retrainFromScratch(seed, { train: data.train, test: data.test, epochs: retrainEpochs, signal: interrupt.signal });
      if (seedRun.state === 'cancelled') throw new CancelledError('interrupted while training the seed; the profile is saved');

      io.out('3/4 shrinking the trained seed with MorphNet for the measured latency');
      const target = latencyTarget(profile);
      const shrinkBar = shrinkProgressBar({ interactive: io.interactive });
      const report = await runShrink({
        model: seed,
        target,
        train: data.train,
        test: data.test,
        goal: { kind: 'ratio', ratio: numberArg(args, 'target-ratio') ?? 0.6 },
        steps: numberArg(args, 'steps') ?? 400,
        retrainEpochs,
        outDir: path.join(out, 'shrunk'),
        signal: interrupt.signal,
        onProgress: shrinkBar.onProgress,
        onPhase: shrinkBar.onPhase,
      });
      shrinkBar.stop();

      io.out('4/4 measuring the seed and the shrunk model end to end, taking turns');
      const shrunk = await loadModelFile(path.join(out, 'shrunk', 'model.json'));
      const fresh = zooEntry(name).build();
      const [before, after] = await measureEndToEndMany([fresh, shrunk], { signal: interrupt.signal });
      if (before === undefined || after === undefined) throw new Error('measureEndToEndMany returned fewer measurements than models');
      const percent = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
      const flops = analyticTargetNamed('flops');
      const rows = [
        ['parameters', formatNumber(fresh.countParams()), formatNumber(shrunk.countParams())],
        ['FLOPs', formatNumber(networkCost(buildGraph(fresh), flops).total), formatNumber(networkCost(buildGraph(shrunk), flops).total)],
        ['predicted latency (ms)', report.initialCost.toFixed(3), report.finalCost.toFixed(3)],
        ['measured latency (ms)', before.medianMs.toFixed(3), after.medianMs.toFixed(3)],
        [`test accuracy (${retrainEpochs} epochs from scratch, subset)`, percent(classificationAccuracy(seedRun.evaluation)), percent(report.accuracy)],
      ];
      io.out(renderTable([{ header: '' }, { header: `seed ${name}`, align: 'right' }, { header: 'shrunk', align: 'right' }], rows));
      io.out(`structure: ${JSON.stringify(report.structure)}`);
      io.out(`files in ${out}/: profile.json, shrunk/model.json, shrunk/structure.json, shrunk/report.md`);
    } finally {
      interrupt.release();
    }
  },
};
