/**
 * `morphlat shrink`: MorphNet for a cost target (FLOPs, size, roofline, or a device's measured latency)
 * on Fashion-MNIST or the user's own data (`--data`), with the strength driven to a target cost; writes
 * the learned structure, the shrunk model and a report.
 */
import { initBackend } from '../../backends/index.js';
import { UsageError } from '../../errors.js';
import type { ShrinkGoal } from '../../shrink/index.js';
import { runShrink } from '../../shrink/index.js';
import { shrinkProgressBar } from '../../report/shrink-progress.js';
import { formatNumber } from '../../report/table.js';
import { resolveModel } from '../../zoo/index.js';
import type { CliArgs, CommandSpec } from '../command.js';
import { flagArg, numberArg, stringArg } from '../command.js';
import { DATA_OPTIONS, dataChoiceFrom, loadDataChoice, splitSizes } from '../data.js';
import { abortOnInterrupt } from '../interrupt.js';
import { CANDIDATE_OPTIONS, candidateArgs, costTargetOption, MIN_WIDTH_RATIO_OPTION, minWidthRatioArg, REMOVAL_COST_OPTION } from '../targets.js';

function goalOf(args: CliArgs): ShrinkGoal {
  const ratio = numberArg(args, 'target-ratio');
  const ms = numberArg(args, 'target-ms');
  const strength = numberArg(args, 'strength');
  const given = [ratio, ms, strength].filter((x) => x !== undefined).length;
  if (given > 1) throw new UsageError('give one of `--target-ratio`, `--target-ms` and `--strength`');
  if (ms !== undefined) return { kind: 'cost', cost: ms };
  if (strength !== undefined) return { kind: 'strength', strength };
  return { kind: 'ratio', ratio: ratio ?? 0.5 };
}

export const shrinkCommand: CommandSpec = {
  command: 'shrink',
  describe: 'shrink a model with MorphNet for FLOPs, size, roofline or measured device latency, on Fashion-MNIST or your own data',
  options: {
    model: { type: 'string', describe: 'zoo model name or model.json path', demandOption: true },
    target: { type: 'string', describe: 'flops | size | memory | roofline:<HW> | latency', default: 'latency' },
    profile: { type: 'string', describe: 'device profile, for --target latency' },
    'target-ratio': { type: 'number', describe: 'shrink to this share of the seed\'s cost (default 0.5)' },
    'target-ms': { type: 'number', describe: 'shrink to this latency in ms (latency target)' },
    strength: { type: 'number', describe: 'a fixed regularizer strength per unit of the seed\'s cost, instead of a target' },
    steps: { type: 'number', describe: 'training steps of the shrinking phase' },
    epochs: { type: 'number', describe: 'training epochs of the shrinking phase (default 1)' },
    threshold: { type: 'number', describe: 'alive threshold on |gamma| (default 0.01)' },
    'retrain-epochs': { type: 'number', describe: 'train the shrunk model from scratch this long and report its accuracy', default: 0 },
    ...CANDIDATE_OPTIONS,
    backend: { type: 'string', describe: 'backend to train on', default: 'wasm' },
    'batch-size': { type: 'number', describe: 'batch size', default: 32 },
    optimizer: { type: 'string', describe: 'optimizer of the shrinking phase (SGD lets the strength set how fast channels die)', choices: ['sgd', 'adam'], default: 'sgd' },
    'learning-rate': { type: 'number', describe: 'learning rate (default 0.02 for SGD, 0.001 for Adam)' },
    snap: { type: 'boolean', describe: 'snap widths to the cheapest on the device (--no-snap turns it off)', default: true },
    'within-seed': { type: 'boolean', describe: "keep every group within the seed's width (by default snapping may jump past it where the profile measured wider and the device is clearly faster there, and growth may spend room left there)", default: false },
    fill: { type: 'boolean', describe: 'widen a structure that lands under the target back up to it by one width multiplier (--no-fill turns it off)', default: true },
    'removal-cost': REMOVAL_COST_OPTION,
    'min-width-ratio': MIN_WIDTH_RATIO_OPTION,
    seed: { type: 'number', describe: 'seed', default: 1 },
    ...DATA_OPTIONS,
    out: { type: 'string', describe: 'output folder', demandOption: true },
    resume: { type: 'boolean', describe: 'continue from the last exported step in --out', default: false },
  },
  examples: [
    ['$0 shrink --model resnet-mini --target latency --profile wasm.json --target-ratio 0.5 --out out/r50', 'halve resnet-mini\'s latency on a profiled device'],
    ['$0 shrink --model plain-cnn --target flops --strength 2 --steps 500 --out out/f', 'MorphNet with a fixed strength'],
    ['$0 shrink --model resnet-mini --profile wasm.json --target-ratio 0.25 --candidates 3 --validation-split 5000 --retrain-epochs 2 --out out/r25', 'the best of three shrink runs, chosen on 5,000 held-out training images'],
    ['$0 shrink --model my-model/model.json --data photos/ --validation-split 0.2 --profile wasm.json --retrain-epochs 3 --out out/mine', 'your model on a folder of images per class'],
  ],
  async run(args, io) {
    const target = await costTargetOption(stringArg(args, 'target') ?? 'latency', stringArg(args, 'profile'));
    const goal = goalOf(args);
    const minWidthRatio = minWidthRatioArg(args);
    if (goal.kind === 'cost' && target.unit !== 'ms') throw new UsageError('`--target-ms` needs a latency or roofline target');
    const choice = dataChoiceFrom(args, numberArg(args, 'seed') ?? 1);
    await initBackend(stringArg(args, 'backend') ?? 'wasm');
    const { model } = await resolveModel(stringArg(args, 'model') ?? '', numberArg(args, 'seed'));
    const interrupt = abortOnInterrupt();
    const bar = shrinkProgressBar({ interactive: io.interactive });
    const optional = (name: string, key: string): Record<string, number> => {
      const v = numberArg(args, name);
      return v === undefined ? {} : { [key]: v };
    };
    try {
      const data = await loadDataChoice(choice, model, interrupt.signal);
      io.err(`data: ${data.description}: ${splitSizes(data, formatNumber)}`);
      const heldOut = data.test ?? data.validation;
      const report = await runShrink({
        model,
        target,
        train: data.train,
        ...(heldOut === undefined ? {} : { test: heldOut }),
        loss: choice.loss,
        goal,
        ...optional('steps', 'steps'),
        ...optional('epochs', 'epochs'),
        ...optional('threshold', 'threshold'),
        ...optional('learning-rate', 'learningRate'),
        optimizer: stringArg(args, 'optimizer') === 'adam' ? 'adam' : 'sgd',
        retrainEpochs: numberArg(args, 'retrain-epochs') ?? 0,
        ...candidateArgs(args),
        ...(data.validation === undefined ? {} : { validation: data.validation }),
        batchSize: numberArg(args, 'batch-size') ?? 32,
        snap: args['snap'] !== false,
        withinSeed: args['within-seed'] === true,
        fill: args['fill'] !== false,
        removalCost: args['removal-cost'] !== false,
        minWidthRatio,
        seed: numberArg(args, 'seed') ?? 1,
        outDir: stringArg(args, 'out') ?? '',
        resume: flagArg(args, 'resume'),
        signal: interrupt.signal,
        onProgress: bar.onProgress,
        onPhase: bar.onPhase,
      });
      bar.stop();
      const pct = ((report.finalCost / report.initialCost) * 100).toFixed(1);
      io.out(`${report.target}: ${report.initialCost.toPrecision(4)} → ${report.finalCost.toPrecision(4)} ${report.unit} (${pct}% of the seed) after ${report.steps} steps (${report.stoppedBecause})`);
      const which = data.test === undefined ? 'validation' : 'test';
      if (report.accuracy !== undefined) io.out(`${which} accuracy of the shrunk model retrained from scratch: ${(report.accuracy * 100).toFixed(2)}%`);
      if (report.meanSquaredError !== undefined) io.out(`${which} mean squared error of the shrunk model retrained from scratch: ${report.meanSquaredError.toPrecision(4)}`);
      io.out(`wrote ${stringArg(args, 'out')}/model.json, structure.json, report.json, report.md`);
    } finally {
      bar.stop();
      interrupt.release();
    }
  },
};
