/** Holding out a validation set: how many examples a split takes, and the seeded order it takes them in. */
import { UsageError } from '../../errors.js';
import { permutation } from '../../util/random.js';

/**
 * The examples a validation split of `validation` takes out of `size`: a fraction in (0, 1) of them, or a
 * whole number of examples.
 */
export function validationCount(validation: number, size: number): number {
  const count = validation > 0 && validation < 1 ? Math.round(validation * size) : validation;
  if (!Number.isInteger(count) || count < 0 || count > size) {
    throw new UsageError(
      'validation split must be a fraction in (0, 1) or a whole number of examples ' + `up to ${size}, got ${validation}`,
    );
  }
  return count;
}

/** The indices of a seeded split: the first `count` of a permutation are held out. */
export function splitIndices(size: number, validation: number, seed: number): { train: Uint32Array; validation: Uint32Array } {
  const count = validationCount(validation, size);
  const order = permutation(size, seed);
  return { train: order.subarray(count), validation: order.subarray(0, count) };
}
