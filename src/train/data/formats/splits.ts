/** The training and validation splits every in-memory format makes the same way: a limit, then a split or a second file. */
import { DataError, UsageError } from '../../../errors.js';
import type { DataRequest } from './types.js';

/** An in-memory data set that can be cut. */
interface Cuttable<T> {
  readonly size: number;
  readonly description: string;
  take(n: number): T;
  split(validation: number, seed?: number): { train: T; validation: T };
}

/**
 * Applies `request.limit`, then holds out `request.validationSplit` or reads `request.validationPath` with
 * `readValidation` (a format without one takes no validation path). Throws DataError for a split that would
 * leave either side empty.
 */
export async function splitForValidation<T extends Cuttable<T>>(
  all: T,
  request: DataRequest,
  readValidation?: (path: string) => Promise<T>,
): Promise<{ train: T; validation?: T }> {
  if (request.validationSplit !== undefined && request.validationPath !== undefined) {
    throw new UsageError('give a validation split or a validation path, not both');
  }
  if (request.limit !== undefined && !(Number.isInteger(request.limit) && request.limit > 0)) {
    throw new UsageError(`the training limit must be a positive integer, got ${request.limit}`);
  }
  const train = request.limit === undefined ? all : all.take(request.limit);
  if (train.size === 0) throw new DataError(`${all.description}: no examples`);
  if (request.validationPath !== undefined) {
    if (readValidation === undefined) throw new UsageError(`${all.description}: this format takes a validation split, not a validation path`);
    const validation = await readValidation(request.validationPath);
    if (validation.size === 0) throw new DataError(`${validation.description}: no examples`);
    return { train, validation };
  }
  if (request.validationSplit === undefined) return { train };
  const split = train.split(request.validationSplit, request.seed ?? 0);
  if (split.validation.size === 0 || split.train.size === 0) {
    const empty = split.validation.size === 0 ? 'validation' : 'training';
    throw new DataError(`${all.description}: a validation split of ${request.validationSplit} leaves no ${empty} examples (of ${train.size})`);
  }
  return split;
}
