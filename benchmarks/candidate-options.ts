/**
 * Shrink candidates in the benchmarks: several shrink runs per architecture, the best kept by its accuracy
 * on validation images that no benchmark trains on (the training file's images from `VALIDATION_FROM` on,
 * beyond any `--train-limit` up to it). Shared by bench:shrink and bench:compare.
 */
import type { BatchSource } from '../src/train/data/source.js';
import { loadFashionMnist } from '../src/train/index.js';

/** Candidates are scored on training images `VALIDATION_FROM + 1` to 60,000. */
export const VALIDATION_FROM = 50000;

/** `--candidates` and `--candidate-trainings`, for yargs' `options()`; `what` says which runs have candidates. */
export function candidateOptions(what: string) {
  return {
    candidates: {
      type: 'number',
      default: 1,
      describe: `shrink runs per ${what}, the best kept by validation accuracy after the retraining epochs from scratch (validation: training images ${VALIDATION_FROM + 1}-60,000, beyond any --train-limit up to ${VALIDATION_FROM})`,
    },
    'candidate-trainings': { type: 'number', default: 1, describe: 'with --candidates: score each candidate by the mean of this many trainings from scratch' },
  } as const;
}

/** Why `--candidates`, `--candidate-trainings` and `--train-limit` do not go together, or true when they do (yargs' `check`). */
export function checkCandidateOptions(a: { candidates: number; 'candidate-trainings': number; 'train-limit': number }): true | string {
  if (!(Number.isInteger(a.candidates) && a.candidates >= 1)) return '--candidates must be a whole number ≥ 1';
  if (!(Number.isInteger(a['candidate-trainings']) && a['candidate-trainings'] >= 1)) return '--candidate-trainings must be a whole number ≥ 1';
  if (a.candidates > 1 && !(a['train-limit'] > 0 && a['train-limit'] <= VALIDATION_FROM)) {
    return `--candidates scores on training images ${VALIDATION_FROM + 1}-60,000, so --train-limit must be in 1-${VALIDATION_FROM}`;
  }
  return true;
}

/** The images candidates are scored on: the training file's from `VALIDATION_FROM` on. */
export async function candidateValidation(): Promise<BatchSource> {
  const all = (await loadFashionMnist()).train;
  return all.select(Array.from({ length: all.size - VALIDATION_FROM }, (_, i) => VALIDATION_FROM + i));
}
