/** What a data format reads: a request naming the files, what the model expects of them, and the loaded splits. */
import type { BatchSource } from '../source.js';

/** The formats `--data` reads. */
export type DataFormatName = 'fashion-mnist' | 'idx' | 'image-folder' | 'csv';

/** What the model takes and gives, for a loader to read the files against. */
export interface DataExpectation {
  /** Per-example input shape; null for a free dimension. Images are resized to it, features checked against it. */
  readonly inputShape: readonly (number | null)[];
  /** The model output's last dimension. */
  readonly outputUnits: number;
  /**
   * What numeric labels are: class indices, numeric targets, or `either` (class indices when they are whole
   * numbers and the model has several outputs).
   */
  readonly labels: 'classes' | 'values' | 'either';
}

/** Files to read as training data, and how. */
export interface DataRequest {
  /** Default: detected from `path` (see `detectDataFormat`). */
  readonly format?: DataFormatName | 'auto';
  /** The data: a file or a folder. Fashion-MNIST: its folder (default: Debian's package, the cache, the subset). */
  readonly path?: string;
  /** IDX: the labels file (default: the images file's name with `images` → `labels`, `idx3`/`idx4` → `idx1`). */
  readonly labelsPath?: string;
  /** CSV: the label column, by name or 0-based index (default: a column named `label`, else the last). */
  readonly labelColumn?: string | number;
  /** CSV: the first row names the columns (default true). */
  readonly header?: boolean;
  /** Class names in label order (default: sorted folder names or label values). */
  readonly classes?: readonly string[];
  /** Hold out this fraction (in (0, 1)) or number of the examples as a validation set. */
  readonly validationSplit?: number;
  /** Or read the validation set from here, in the same format. */
  readonly validationPath?: string;
  /** Keep only the first this-many training examples (before the split). */
  readonly limit?: number;
  /** Seed of the validation split (default 0). */
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

/** The splits read. */
export interface LoadedData {
  readonly format: DataFormatName;
  readonly train: BatchSource;
  readonly validation?: BatchSource;
  /** A separate test split, where the format has one (Fashion-MNIST). */
  readonly test?: BatchSource;
  /** One line for the user: what was read, from where. */
  readonly description: string;
  /** What a user should know about this data, e.g. that it is a small subset. */
  readonly note?: string;
  /** What one example is called in messages: `images`, `rows`. */
  readonly examples: string;
}

/** One data format. */
export interface DataFormat {
  readonly name: DataFormatName;
  /** For `--help`. */
  readonly describe: string;
  /** True when `path` holds data of this format. */
  matches(path: string): Promise<boolean>;
  /** Reads the data; every defect is a DataError naming the file and the row or image. */
  load(request: DataRequest, expect: DataExpectation | undefined): Promise<LoadedData>;
}
