/**
 * The data formats `--data` reads, keyed by name, and how a path's format is told when none is named: a
 * Fashion-MNIST folder, IDX files, a CSV file, a folder of class sub-folders, in that order.
 */
import { statSync } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataError, UsageError } from '../../../errors.js';
import { outputActivation, outputUnits, type LossName } from '../../loss.js';
import { csvFormat } from './csv.js';
import { FASHION_MNIST, fashionMnistFormat } from './fashion-mnist.js';
import { idxFormat } from './idx.js';
import { imageFolderFormat } from './image-folder.js';
import type { DataExpectation, DataFormat, DataFormatName, DataRequest, LoadedData } from './types.js';

/** Every format by name. */
export const DATA_FORMATS: Readonly<Record<DataFormatName, DataFormat>> = {
  'fashion-mnist': fashionMnistFormat,
  idx: idxFormat,
  csv: csvFormat,
  'image-folder': imageFolderFormat,
};

/** Format names, in the order a path is tried against them. */
export const DATA_FORMAT_NAMES: readonly DataFormatName[] = ['fashion-mnist', 'idx', 'csv', 'image-folder'];

function isFormatName(name: string): name is DataFormatName {
  return (DATA_FORMAT_NAMES as readonly string[]).includes(name);
}

/** The format of the data at `path` (Fashion-MNIST from its usual places when there is no path). */
export async function detectDataFormat(path: string | undefined): Promise<DataFormatName> {
  if (path === undefined || path === FASHION_MNIST) return 'fashion-mnist';
  if (statSync(path, { throwIfNoEntry: false }) === undefined) throw new DataError(`${path}: no such file or folder`);
  for (const name of DATA_FORMAT_NAMES) if (await DATA_FORMATS[name].matches(path)) return name;
  throw new DataError(
    `${path}: cannot tell its format: expected a Fashion-MNIST folder, IDX files (…-idx3-ubyte[.gz]), a .csv file, ` +
      'or a folder with one sub-folder of images per class; or name the format',
  );
}

/**
 * What the model expects of its data: its input shape, its output units, and whether numeric labels are class
 * indices or targets (from the loss when named, else from the output's activation).
 */
export function expectationFor(model: tfl.LayersModel, loss: LossName | 'auto' = 'auto'): DataExpectation {
  const activation = outputActivation(model);
  const labels =
    loss === 'mse' ? 'values' : loss !== 'auto' || activation === 'softmax' || activation === 'sigmoid' ? 'classes' : 'either';
  return { inputShape: model.inputs[0]?.shape.slice(1) ?? [], outputUnits: outputUnits(model), labels };
}

/** Reads training (and validation, and test) data in the named or detected format. */
export async function loadData(request: DataRequest, expect?: DataExpectation): Promise<LoadedData> {
  const named = request.format ?? 'auto';
  if (named !== 'auto' && !isFormatName(named)) {
    throw new UsageError(`unknown data format \`${String(named)}\`; choose one of auto, ${DATA_FORMAT_NAMES.join(', ')}`);
  }
  const format = named === 'auto' ? await detectDataFormat(request.path) : named;
  if (format !== 'fashion-mnist' && request.path === undefined) throw new UsageError(`the ${format} format needs a path to the data`);
  if (request.path !== undefined && request.path !== FASHION_MNIST && statSync(request.path, { throwIfNoEntry: false }) === undefined) {
    throw new DataError(`${request.path}: no such file or folder`);
  }
  return DATA_FORMATS[format].load(request, expect);
}
