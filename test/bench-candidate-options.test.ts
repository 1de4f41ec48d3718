import { describe, expect, it } from 'vitest';
import { VALIDATION_FROM, checkCandidateOptions } from '../benchmarks/candidate-options.js';

describe("the benchmarks' candidate options", () => {
  it('take one candidate with any training limit, and several with a limit that leaves the validation images alone', () => {
    expect(checkCandidateOptions({ candidates: 1, 'candidate-trainings': 1, 'train-limit': 0 })).toBe(true);
    expect(checkCandidateOptions({ candidates: 3, 'candidate-trainings': 2, 'train-limit': VALIDATION_FROM })).toBe(true);
  });

  it('refuse several candidates trained on every image, or on the validation images', () => {
    expect(checkCandidateOptions({ candidates: 3, 'candidate-trainings': 1, 'train-limit': 0 })).toMatch(/--train-limit must be in 1-50000/);
    expect(checkCandidateOptions({ candidates: 3, 'candidate-trainings': 1, 'train-limit': VALIDATION_FROM + 1 })).toMatch(/training images 50001-60,000/);
  });

  it('refuse counts that are not whole numbers of at least one', () => {
    expect(checkCandidateOptions({ candidates: 0, 'candidate-trainings': 1, 'train-limit': 100 })).toMatch(/--candidates must be a whole number/);
    expect(checkCandidateOptions({ candidates: 2, 'candidate-trainings': 1.5, 'train-limit': 100 })).toMatch(/--candidate-trainings must be a whole number/);
  });
});
