/**
 * Every error morphlat raises on purpose: one class per kind of failure, each with a stable `code`.
 * The library throws these and never exits; only the CLI maps them to a message line and an exit code.
 */

/** Stable codes, one per error class. */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_MODEL_FILE'
  | 'E_UNSUPPORTED_LAYER'
  | 'E_BACKEND_UNAVAILABLE'
  | 'E_STRUCTURE'
  | 'E_PROFILE'
  | 'E_DATA'
  | 'E_CANCELLED'
  | 'E_KERNEL';

/** Base class: a message meant for the user, plus a stable code. */
export class MorphlatError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Command-line arguments or API options that do not make sense together. */
export class UsageError extends MorphlatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_USAGE', message, options);
  }
}

/** A model.json or its weight files are missing, unreadable, malformed or truncated. */
export class ModelFileError extends MorphlatError {
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('E_MODEL_FILE', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** A layer whose class (or configuration) morphlat cannot represent. */
export class UnsupportedLayerError extends MorphlatError {
  readonly layer: string;
  readonly className: string;

  constructor(layer: string, className: string, problem?: string) {
    super(
      'E_UNSUPPORTED_LAYER',
      problem === undefined
        ? `layer \`${layer}\` has class ${className}, which morphlat does not support`
        : `layer \`${layer}\` (${className}): ${problem}`,
    );
    this.layer = layer;
    this.className = className;
  }
}

/** A tfjs backend that cannot start here, with what to install. */
export class BackendUnavailableError extends MorphlatError {
  readonly backend: string;

  constructor(backend: string, problem: string, options?: { cause?: unknown }) {
    super('E_BACKEND_UNAVAILABLE', `backend \`${backend}\` cannot start: ${problem}`, options);
    this.backend = backend;
  }
}

/** A structure (alive channel counts) that does not fit the model. */
export class StructureError extends MorphlatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_STRUCTURE', message, options);
  }
}

/** A device profile that is corrupt, of another version, or for another backend. */
export class ProfileError extends MorphlatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_PROFILE', message, options);
  }
}

/** Training or evaluation data that cannot be read or does not fit the model. */
export class DataError extends MorphlatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DATA', message, options);
  }
}

/** Work stopped by an AbortSignal or Ctrl-C. */
export class CancelledError extends MorphlatError {
  constructor(message = 'cancelled') {
    super('E_CANCELLED', message);
  }
}

/** A kernel asked for a configuration it cannot compute. */
export class KernelError extends MorphlatError {
  constructor(message: string) {
    super('E_KERNEL', message);
  }
}

/** True for errors morphlat raised on purpose (as opposed to bugs). */
export function isMorphlatError(e: unknown): e is MorphlatError {
  return e instanceof MorphlatError;
}
