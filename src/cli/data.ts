/**
 * The data options shared by `train`, `shrink` and `compare`: `--data` (Fashion-MNIST by default, IDX files, a folder of
 * class sub-folders of images, or a CSV file), the options of each format, the validation split, and `--loss`;
 * and their loader, which reads the data against the model it will train.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { DATA_FORMAT_NAMES, expectationFor, FASHION_MNIST, loadData } from '../train/data/formats/index.js';
import type { DataFormatName, DataRequest, LoadedData } from '../train/data/formats/index.js';
import { LOSS_CHOICES, type LossName } from '../train/loss.js';
import type { CliArgs, OptionSpec } from './command.js';
import { numberArg, stringArg } from './command.js';

/** The options, to spread into a command's option table. */
export const DATA_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  data: {
    type: 'string',
    describe: 'training data: fashion-mnist (default), IDX files, a folder with one sub-folder of images per class, or a .csv file',
  },
  'data-format': { type: 'string', describe: 'the format of --data (default: told from the path)', choices: ['auto', ...DATA_FORMAT_NAMES], default: 'auto' },
  'data-dir': { type: 'string', describe: 'folder with the four Fashion-MNIST files (default: Debian\'s package, the cache, the bundled subset)' },
  labels: { type: 'string', describe: 'IDX: the labels file (default: beside the images file, its name with images→labels, idx3→idx1)' },
  'label-column': { type: 'string', describe: 'CSV: the label column, by name or 0-based number (default: `label`, else the last)' },
  header: { type: 'boolean', describe: 'CSV: the first row names the columns (--no-header: it does not)', default: true },
  classes: { type: 'string', describe: 'class names in label order, comma-separated (default: the sorted folder names or labels)' },
  'validation-split': { type: 'number', describe: 'hold out this fraction (in (0, 1)) or number of the training examples for validation' },
  'validation-data': { type: 'string', describe: 'read the validation data from here, in the format of --data' },
  loss: { type: 'string', describe: 'auto (from the model\'s output and the labels) | categorical | binary | mse', choices: LOSS_CHOICES, default: 'auto' },
  'train-limit': { type: 'number', describe: 'use only the first N training examples' },
};

/** What the data options ask for. */
export interface DataChoice {
  readonly request: DataRequest;
  readonly loss: LossName | 'auto';
}

/** Reads and checks the data options (before anything runs); `seed` seeds the validation split. */
export function dataChoiceFrom(args: CliArgs, seed: number): DataChoice {
  const data = stringArg(args, 'data');
  const dataDir = stringArg(args, 'data-dir');
  const format = (stringArg(args, 'data-format') ?? 'auto') as DataFormatName | 'auto';
  const fashion = (data === undefined || data === FASHION_MNIST) && (format === 'auto' || format === 'fashion-mnist');
  if (dataDir !== undefined && !fashion) throw new UsageError('`--data-dir` is the Fashion-MNIST folder; with other `--data`, leave it out');
  const path = fashion ? dataDir : data;
  const split = numberArg(args, 'validation-split');
  const validationPath = stringArg(args, 'validation-data');
  if (split !== undefined && validationPath !== undefined) throw new UsageError('give `--validation-split` or `--validation-data`, not both');
  if (split !== undefined && !((split > 0 && split < 1) || (Number.isInteger(split) && split >= 1))) {
    throw new UsageError(`\`--validation-split\` must be a fraction in (0, 1) or a whole number of examples, got ${split}`);
  }
  const limit = numberArg(args, 'train-limit');
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`\`--train-limit\` must be a positive integer, got ${limit}`);
  const classes = stringArg(args, 'classes')?.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (classes !== undefined && new Set(classes).size !== classes.length) throw new UsageError('`--classes` names a class twice');
  const labelsPath = stringArg(args, 'labels');
  const labelColumn = stringArg(args, 'label-column');
  const loss = (stringArg(args, 'loss') ?? 'auto') as LossName | 'auto';
  if (!LOSS_CHOICES.includes(loss)) throw new UsageError(`\`--loss\` must be one of ${LOSS_CHOICES.join(', ')}, got \`${loss}\``);
  return {
    request: {
      format,
      ...(path === undefined ? {} : { path }),
      ...(labelsPath === undefined ? {} : { labelsPath }),
      ...(labelColumn === undefined ? {} : { labelColumn }),
      header: args['header'] !== false,
      ...(classes === undefined ? {} : { classes }),
      ...(split === undefined ? {} : { validationSplit: split }),
      ...(validationPath === undefined ? {} : { validationPath }),
      ...(limit === undefined ? {} : { limit }),
      seed,
    },
    loss,
  };
}

/** Reads the chosen data for training `model`: images resized to its input, labels read as its loss needs. */
export async function loadDataChoice(choice: DataChoice, model: tfl.LayersModel, signal?: AbortSignal): Promise<LoadedData> {
  return loadData({ ...choice.request, ...(signal === undefined ? {} : { signal }) }, expectationFor(model, choice.loss));
}

/** "96 training and 1,000 test images": the sizes of the splits read. */
export function splitSizes(data: LoadedData, format: (n: number) => string): string {
  const parts = [`${format(data.train.size ?? 0)} training`];
  if (data.validation !== undefined) parts.push(`${format(data.validation.size ?? 0)} validation`);
  if (data.test !== undefined) parts.push(`${format(data.test.size ?? 0)} test`);
  const last = parts.pop() as string;
  return `${parts.length === 0 ? last : `${parts.join(', ')} and ${last}`} ${data.examples}`;
}
