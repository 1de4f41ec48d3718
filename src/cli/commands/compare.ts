/**
 * `morphlat compare`: one architecture per device profile (MorphNet shrinking for that device's latency,
 * or the given structures), the cross-device latency matrix, predicted from each profile and measured
 * where the device's backend runs here; writes compare.json, pictures and index.html, prints Markdown.
 * The charting libraries load only when a report is drawn, so other commands start without them.
 */
import path from 'node:path';
import { BACKEND_NAMES, initBackend } from '../../backends/index.js';
import type { BackendName } from '../../backends/types.js';
import { compareArchitectures, compareMarkdown, writeCompareJson } from '../../compare/index.js';
import type { CompareDeviceInput, CompareShrinkOptions } from '../../compare/index.js';
import { UsageError } from '../../errors.js';
import { readStructureFile } from '../../graph/structure-file.js';
import { readProfile } from '../../profile/io.js';
import { compareProgressDisplay } from '../../report/compare-progress.js';
import type { BatchSource } from '../../train/data/source.js';
import type { LossName } from '../../train/loss.js';
import { formatNumber } from '../../report/table.js';
import { modelName, resolveModel } from '../../zoo/index.js';
import type { CliArgs, CommandSpec } from '../command.js';
import { flagArg, listArg, numberArg, stringArg } from '../command.js';
import { DATA_OPTIONS, dataChoiceFrom, loadDataChoice, splitSizes } from '../data.js';
import { abortOnInterrupt } from '../interrupt.js';
import { CANDIDATE_OPTIONS, candidateArgs, MIN_WIDTH_RATIO_OPTION, minWidthRatioArg, REMOVAL_COST_OPTION } from '../targets.js';

function shrinkOptions(args: CliArgs, loss: LossName | 'auto'): CompareShrinkOptions {
  const optional = <K extends keyof CompareShrinkOptions>(name: string, key: K): Partial<CompareShrinkOptions> => {
    const v = numberArg(args, name);
    return v === undefined ? {} : { [key]: v };
  };
  return {
    goal: { kind: 'ratio', ratio: numberArg(args, 'target-ratio') ?? 0.5 },
    ...optional('steps', 'steps'),
    ...optional('epochs', 'epochs'),
    ...optional('threshold', 'threshold'),
    ...optional('learning-rate', 'learningRate'),
    optimizer: stringArg(args, 'optimizer') === 'adam' ? 'adam' : 'sgd',
    batchSize: numberArg(args, 'batch-size') ?? 32,
    snap: args['snap'] !== false,
    withinSeed: args['within-seed'] === true,
    removalCost: args['removal-cost'] !== false,
    minWidthRatio: minWidthRatioArg(args),
    seed: numberArg(args, 'seed') ?? 1,
    ...candidateArgs(args),
    loss,
  };
}

async function devicesOf(args: CliArgs): Promise<CompareDeviceInput[]> {
  const profiles = listArg(args, 'profiles');
  const structures = listArg(args, 'structures');
  if (profiles.length < 2) throw new UsageError(`\`--profiles\` needs at least two device profiles, got ${profiles.length}`);
  if (structures.length > 0 && structures.length !== profiles.length) {
    throw new UsageError(`\`--structures\` needs one structure per profile: ${profiles.length} profiles, ${structures.length} structures`);
  }
  const devices: CompareDeviceInput[] = [];
  for (const [i, file] of profiles.entries()) {
    const structureFile = structures[i];
    devices.push({
      profile: await readProfile(file),
      file,
      ...(structureFile === undefined ? {} : { structure: await readStructureFile(structureFile), structureFile }),
    });
  }
  return devices;
}

export const compareCommand: CommandSpec = {
  command: 'compare',
  describe: 'shrink a model for each device profile and compare the architectures across devices',
  options: {
    model: { type: 'string', describe: 'zoo model name or model.json path', demandOption: true },
    profiles: { type: 'array', describe: 'device profiles (JSON), two or more', demandOption: true },
    structures: { type: 'array', describe: 'one structure file per profile, in the same order: compare these instead of shrinking' },
    'target-ratio': { type: 'number', describe: 'shrink each to this share of the seed\'s latency on its device', default: 0.5 },
    steps: { type: 'number', describe: 'training steps of each shrinking phase' },
    epochs: { type: 'number', describe: 'training epochs of each shrinking phase (default 1)' },
    threshold: { type: 'number', describe: 'alive threshold on |gamma| (default 0.01)' },
    'match-flops': { type: 'boolean', describe: 'rescale the shrunk architectures (one width multiplier each) to the FLOPs of the smallest', default: false },
    'retrain-epochs': { type: 'number', describe: 'train each architecture from scratch this long and report its test accuracy', default: 0 },
    ...CANDIDATE_OPTIONS,
    backend: { type: 'string', describe: 'backend to shrink and retrain on', choices: BACKEND_NAMES, default: 'wasm' },
    'batch-size': { type: 'number', describe: 'batch size', default: 32 },
    optimizer: { type: 'string', describe: 'optimizer of the shrinking phases', choices: ['sgd', 'adam'], default: 'sgd' },
    'learning-rate': { type: 'number', describe: 'learning rate (default 0.02 for SGD, 0.001 for Adam)' },
    snap: { type: 'boolean', describe: 'snap widths to the cheapest on each device (--no-snap turns it off)', default: true },
    'within-seed': { type: 'boolean', describe: "keep every group within the seed's width (by default snapping may jump past it where a profile measured wider and its device is clearly faster there, and growth may spend room left there)", default: false },
    'removal-cost': REMOVAL_COST_OPTION,
    'min-width-ratio': MIN_WIDTH_RATIO_OPTION,
    ...DATA_OPTIONS,
    seed: { type: 'number', describe: 'seed', default: 1 },
    measure: { type: 'boolean', describe: 'measure the devices whose backend runs here (--no-measure: predictions only)', default: true },
    png: { type: 'boolean', describe: 'write PNG pictures beside the SVGs (--no-png turns it off)', default: true },
    out: { type: 'string', describe: 'output folder', demandOption: true },
    resume: { type: 'boolean', describe: 'reuse the architectures (and their retrainings) an interrupted run in --out finished, and resume the one it was shrinking', default: false },
  },
  examples: [
    [
      '$0 compare --model resnet-mini --profiles a.json b.json --candidates 3 --validation-split 5000 --retrain-epochs 2 --out out/c3',
      'each device\'s architecture the best of three shrink runs, chosen on 5,000 held-out training images',
    ],
    [
      '$0 compare --model resnet-mini --profiles device-profiles/amd-epyc-2c-wasm-resnet-mini.json device-profiles/llvmpipe-2c-webgpu-resnet-mini.json --steps 400 --out out/compare',
      'shrink resnet-mini for wasm and for webgpu, and compare both on both',
    ],
    ['$0 compare --model resnet-mini --profiles a.json b.json --structures a-structure.json b-structure.json --out out/c', 'compare given architectures'],
  ],
  async run(args, io) {
    const out = stringArg(args, 'out') ?? '';
    const devices = await devicesOf(args);
    const spec = stringArg(args, 'model') ?? '';
    const retrainEpochs = numberArg(args, 'retrain-epochs') ?? 0;
    if (!Number.isInteger(retrainEpochs) || retrainEpochs < 0) throw new UsageError(`\`--retrain-epochs\` must be an integer ≥ 0, got ${retrainEpochs}`);
    const ratio = numberArg(args, 'target-ratio') ?? 0.5;
    if (!(ratio > 0 && ratio < 1)) throw new UsageError(`\`--target-ratio\` must be in (0, 1), got ${ratio}`);
    const backend = (stringArg(args, 'backend') ?? 'wasm') as BackendName;
    const needsData = devices.some((d) => d.structure === undefined) || retrainEpochs > 0;
    const choice = dataChoiceFrom(args, numberArg(args, 'seed') ?? 1);
    await initBackend(backend);
    const { model } = await resolveModel(spec, numberArg(args, 'seed'));
    const progress = compareProgressDisplay({ interactive: io.interactive });
    const interrupt = abortOnInterrupt();
    try {
      let data: { train?: BatchSource; test?: BatchSource; validation?: BatchSource } = {};
      if (needsData) {
        const loaded = await loadDataChoice(choice, model, interrupt.signal);
        io.err(`data: ${loaded.description}: ${splitSizes(loaded, formatNumber)}`);
        const heldOut = loaded.test ?? loaded.validation;
        data = {
          train: loaded.train,
          ...(heldOut === undefined ? {} : { test: heldOut }),
          ...(loaded.validation === undefined ? {} : { validation: loaded.validation }),
        };
      }
      const result = await compareArchitectures({
        model,
        modelName: modelName(spec),
        devices,
        shrink: shrinkOptions(args, choice.loss),
        ...data,
        retrainEpochs,
        matchFlops: flagArg(args, 'match-flops'),
        trainBackend: backend,
        outDir: out,
        resume: flagArg(args, 'resume'),
        ...(args['measure'] === false ? { measure: false as const } : {}),
        signal: interrupt.signal,
        onProgress: progress.onProgress,
      });
      progress.stop();
      const json = await writeCompareJson(out, result);
      const command = `morphlat ${process.argv.slice(2).join(' ')}`;
      const { writeCompareReport } = await import('../../report/compare-page.js');
      const report = await writeCompareReport(out, result, { png: args['png'] !== false, command });
      io.out(compareMarkdown(result));
      io.out(`wrote ${json}, ${report.html} and ${report.charts.length} pictures in ${path.resolve(out)}`);
    } finally {
      progress.stop();
      interrupt.release();
    }
  },
};
