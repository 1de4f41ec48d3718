/** The process exit code for each error code; only the CLI uses it. */
import type { ErrorCode } from '../errors.js';

/** Exit codes: 1 for unexpected failures, 2 for usage, then one per kind of bad input. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  E_USAGE: 2,
  E_MODEL_FILE: 3,
  E_UNSUPPORTED_LAYER: 3,
  E_STRUCTURE: 4,
  E_PROFILE: 5,
  E_BACKEND_UNAVAILABLE: 6,
  E_DATA: 7,
  E_KERNEL: 8,
  E_CANCELLED: 130,
};

/** Exit code of an unexpected error (a bug). */
export const EXIT_UNEXPECTED = 1;
