/**
 * `morphlat train`: trains a model (zoo name or model.json) on Fashion-MNIST or the user's own data
 * (`--data`) on one tfjs backend, with a progress bar on stderr, then saves it as model.json +
 * weights.bin (each written atomically) and prints its accuracy (or, for regression, its mean squared
 * error) on the test or validation data. Ctrl-C stops between two steps; the model as trained so far is then saved
 * (not evaluated) and the command exits 130. Nothing is ever left half-written: each file is replaced
 * atomically, and a model is only saved between steps.
 *
 * Defaults (batch 64, Adam at 0.002 decayed to 0 along a cosine over the run, 3 epochs) were chosen by
 * measuring resnet-mini on wasm: see BENCHMARKS.md.
 */
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAMES, initBackend } from '../../backends/index.js';
import { CancelledError, ModelFileError, UsageError } from '../../errors.js';
import { saveModelFiles } from '../../graph/index.js';
import { formatNumber } from '../../report/table.js';
import { evaluate, makeOptimizer, train, trainingProgressBar } from '../../train/index.js';
import type { Evaluation, OptimizerName, StepInfo } from '../../train/index.js';
import { resolveModel } from '../../zoo/index.js';
import type { CliArgs, CliOutput, CommandSpec } from '../command.js';
import { numberArg, stringArg } from '../command.js';
import { DATA_OPTIONS, dataChoiceFrom, loadDataChoice, splitSizes } from '../data.js';
import type { DataChoice } from '../data.js';
import { abortOnInterrupt } from '../interrupt.js';

/** How the learning rate moves over the run. */
export type Schedule = 'cosine' | 'constant';

const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd'];
const SCHEDULES: readonly Schedule[] = ['cosine', 'constant'];

/** The defaults, resolved in one place. */
export const TRAIN_DEFAULTS = {
  backend: 'wasm',
  epochs: 3,
  batchSize: 64,
  optimizer: 'adam' as OptimizerName,
  learningRate: { adam: 0.002, sgd: 0.05 } as Readonly<Record<OptimizerName, number>>,
  schedule: 'cosine' as Schedule,
  seed: 1,
} as const;

/** The learning rate for step `step` (from 0) of `total`: constant, or cosine-decayed from `peak` to 0. */
export function scheduledRate(schedule: Schedule, peak: number, step: number, total: number): number {
  if (schedule === 'constant' || total <= 1) return peak;
  return 0.5 * peak * (1 + Math.cos((Math.PI * Math.min(step, total)) / total));
}

/**
 * Sets an optimizer's learning rate between steps. tfjs' SGD and momentum optimizers have
 * `setLearningRate`; Adam reads its `learningRate` field on every step but declares it protected.
 * (`instanceof` cannot tell them apart: tfjs' Optimizer classes test instances by duck typing.)
 */
function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const sgd = optimizer as Partial<Pick<tf.SGDOptimizer, 'setLearningRate'>>;
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(rate);
  else (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

function positiveInteger(args: CliArgs, name: string): number | undefined {
  const v = numberArg(args, name);
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new UsageError(`\`--${name}\` must be a positive integer, got ${v}`);
  return v;
}

function oneOf<T extends string>(args: CliArgs, name: string, allowed: readonly T[], fallback: T): T {
  const v = stringArg(args, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`\`--${name}\` must be one of ${allowed.join(', ')}, got \`${v}\``);
  return v as T;
}

/** Everything `train` was asked to do, checked before anything runs. */
interface TrainPlan {
  readonly model: string;
  readonly out: string;
  readonly backend: string;
  readonly epochs: number | undefined;
  readonly steps: number | undefined;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly schedule: Schedule;
  readonly seed: number;
  readonly data: DataChoice;
}

function planFrom(args: CliArgs): TrainPlan {
  const model = stringArg(args, 'model');
  if (model === undefined || model === '') throw new UsageError('`--model` is required: a zoo model name or a model.json path');
  const out = stringArg(args, 'out');
  if (out === undefined || out === '') throw new UsageError('`--out` is required: the folder to save the trained model in');
  const backend = oneOf(args, 'backend', BACKEND_NAMES, TRAIN_DEFAULTS.backend);
  const epochs = positiveInteger(args, 'epochs');
  const steps = positiveInteger(args, 'steps');
  if (epochs !== undefined && steps !== undefined) throw new UsageError('give `--epochs` or `--steps`, not both');
  const optimizer = oneOf(args, 'optimizer', OPTIMIZERS, TRAIN_DEFAULTS.optimizer);
  const learningRate = numberArg(args, 'learning-rate') ?? TRAIN_DEFAULTS.learningRate[optimizer];
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new UsageError(`\`--learning-rate\` must be a positive number, got ${learningRate}`);
  }
  const seed = numberArg(args, 'seed') ?? TRAIN_DEFAULTS.seed;
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`\`--seed\` must be a non-negative integer, got ${seed}`);
  return {
    model,
    out,
    backend,
    epochs: steps === undefined ? (epochs ?? TRAIN_DEFAULTS.epochs) : undefined,
    steps,
    batchSize: positiveInteger(args, 'batch-size') ?? TRAIN_DEFAULTS.batchSize,
    optimizer,
    learningRate,
    schedule: oneOf(args, 'schedule', SCHEDULES, TRAIN_DEFAULTS.schedule),
    seed,
    data: dataChoiceFrom(args, seed),
  };
}

/** Refuses an --out that cannot become a folder, before any training time is spent. */
async function checkOut(out: string): Promise<void> {
  const stat = await fs.stat(out).catch(() => undefined);
  if (stat !== undefined && !stat.isDirectory()) throw new ModelFileError(out, 'is a file, not a folder');
}


function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "test accuracy: 81.20% (loss 0.5123, 1,000 images)", or the mean squared error for regression. */
function evaluationLine(which: string, e: Evaluation, examples: string): string {
  const count = `${formatNumber(e.examples)} ${examples}`;
  if (e.task === 'classification') return `${which} accuracy: ${(e.accuracy * 100).toFixed(2)}% (loss ${e.loss.toFixed(4)}, ${count})`;
  return `${which} mean squared error: ${e.meanSquaredError.toPrecision(4)} (mean absolute error ${e.meanAbsoluteError.toPrecision(4)}, ${count})`;
}

/** Progress for a log (stderr that is not a terminal): one line every tenth of the run. */
function logProgress(io: CliOutput): (info: StepInfo) => void {
  const tenth = (step: number, total: number): number => Math.floor((step * 10) / total);
  return (info) => {
    if (info.step !== 1 && tenth(info.step, info.totalSteps) === tenth(info.step - 1, info.totalSteps)) return;
    const eta = ((info.totalSteps - info.step) * info.elapsedSeconds) / info.step;
    io.err(
      `step ${info.step}/${info.totalSteps} (epoch ${info.epoch + 1}): loss ${info.loss.toFixed(4)}, ` +
        `${info.imagesPerSecond.toFixed(1)} img/s, ETA ${duration(eta)}`,
    );
  };
}

export const trainCommand: CommandSpec = {
  command: 'train',
  describe: 'train a model on Fashion-MNIST or your own data on one backend, save it, print its accuracy',
  options: {
    model: { type: 'string', describe: 'zoo model name or model.json path (required)' },
    out: { type: 'string', describe: 'folder to save model.json + weights.bin in (required)' },
    backend: { type: 'string', describe: `backend to train on: ${BACKEND_NAMES.join(' | ')}`, default: TRAIN_DEFAULTS.backend },
    epochs: { type: 'number', describe: `epochs over the training images (default ${TRAIN_DEFAULTS.epochs}; or --steps)` },
    steps: { type: 'number', describe: 'train this many steps instead of whole epochs' },
    'batch-size': { type: 'number', describe: 'images per step', default: TRAIN_DEFAULTS.batchSize },
    'learning-rate': {
      type: 'number',
      describe: `peak learning rate (default ${TRAIN_DEFAULTS.learningRate.adam} for adam, ${TRAIN_DEFAULTS.learningRate.sgd} for sgd)`,
    },
    optimizer: { type: 'string', describe: 'adam | sgd (with momentum 0.9)', default: TRAIN_DEFAULTS.optimizer },
    schedule: { type: 'string', describe: 'learning rate over the run: cosine (decays to 0) | constant', default: TRAIN_DEFAULTS.schedule },
    seed: { type: 'number', describe: 'seed of the zoo model\'s weights, of the shuffles and of the validation split', default: TRAIN_DEFAULTS.seed },
    ...DATA_OPTIONS,
  },
  examples: [
    ['$0 train --model resnet-mini --backend wasm --out out/resnet-mini', '3 epochs of resnet-mini on wasm'],
    ['$0 train --model out/shrunk/model.json --epochs 1 --out out/shrunk-trained', 'fine-tune a saved model'],
    ['$0 train --model my-model/model.json --data photos/ --validation-split 0.2 --out out/trained', 'your model on a folder of images per class'],
    ['$0 train --model my-model/model.json --data table.csv --label-column price --loss mse --out out/trained', 'regression on a CSV file'],
  ],
  async run(args, io) {
    const plan = planFrom(args);
    await checkOut(plan.out);
    const backend = await initBackend(plan.backend);
    const interrupt = abortOnInterrupt();
    const bar = trainingProgressBar({ label: 'train' });
    try {
      const { model, source } = await resolveModel(plan.model, plan.seed);
      const data = await loadDataChoice(plan.data, model, interrupt.signal);
      io.out(`data: ${data.description}: ${splitSizes(data, formatNumber)}`);
      if (data.note !== undefined) io.out(`      (${data.note})`);
      io.out(`model: ${source}, ${formatNumber(model.countParams())} parameters, on ${backend.name} (${backend.identity.cpuModel})`);

      const stepsPerEpoch = data.train.batchCount(plan.batchSize) ?? 1;
      const totalSteps = plan.steps ?? stepsPerEpoch * (plan.epochs ?? 1);
      const length = plan.steps === undefined ? `${plan.epochs} epochs (${totalSteps} steps)` : `${totalSteps} steps`;
      const rate = plan.schedule === 'cosine' ? `${plan.learningRate} decayed along a cosine` : `${plan.learningRate}`;
      io.out(`training: ${length} of ${plan.batchSize} ${data.examples}, ${plan.optimizer} at learning rate ${rate}, seed ${plan.seed}`);

      const optimizer = makeOptimizer(plan.optimizer, plan.learningRate);
      const log = io.interactive ? undefined : logProgress(io);
      let result: Awaited<ReturnType<typeof train>>;
      try {
        result = await train(model, data.train, {
          optimizer,
          steps: totalSteps,
          batchSize: plan.batchSize,
          seed: plan.seed,
          loss: plan.data.loss,
          signal: interrupt.signal,
          onStep: (info) => {
            setLearningRate(optimizer, scheduledRate(plan.schedule, plan.learningRate, info.step, totalSteps));
            bar.onStep(info);
            log?.(info);
          },
        });
      } finally {
        optimizer.dispose();
        bar.stop();
      }
      const summary = `${result.steps} steps (${(result.steps / stepsPerEpoch).toFixed(2)} epochs) in ${duration(result.seconds)} (${result.imagesPerSecond.toFixed(1)} ${data.examples}/s)`;
      if (result.state === 'cancelled') {
        if (result.steps === 0) throw new CancelledError('interrupted before the first step; nothing was saved');
        await saveModelFiles(model, plan.out);
        throw new CancelledError(`interrupted after ${summary}; the partly trained model is saved in ${plan.out} (not evaluated)`);
      }
      io.out(`trained: ${summary}, last loss ${result.lastLoss?.toFixed(4) ?? '-'}`);
      await saveModelFiles(model, plan.out);
      io.out(`wrote ${plan.out}/model.json and ${plan.out}/weights.bin`);
      const heldOut = data.test ?? data.validation;
      if (heldOut === undefined) {
        io.out('not evaluated: no test or validation data (give --validation-split or --validation-data)');
      } else {
        const which = data.test === undefined ? 'validation' : 'test';
        const result = await evaluate(model, heldOut, { signal: interrupt.signal, loss: plan.data.loss }).catch((e: unknown) => {
          throw e instanceof CancelledError ? new CancelledError(`interrupted while evaluating; the trained model is saved in ${plan.out}`) : e;
        });
        io.out(evaluationLine(which, result, data.examples));
      }
      model.dispose();
    } finally {
      bar.stop();
      interrupt.release();
    }
  },
};
