/** What a compare run takes and what it returns (the data of `compare.json`). */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EndToEndOptions } from '../../profilers/end-to-end.js';
import type { BackendName } from '../backends/types.js';
import type { Structure } from '../graph/alive.js';
import type { DeviceProfile } from '../profile/schema.js';
import type { ShrinkProgress, ShrinkRequest } from '../shrink/types.js';

/** The schema tag of `compare.json`. */
export const COMPARE_SCHEMA = 'morphlat/compare@1';

/** A device to compare on: its profile, the file it was read from, and optionally its architecture. */
export interface CompareDeviceInput {
  readonly profile: DeviceProfile;
  readonly file?: string;
  /** This device's architecture as alive counts, taken as given (nothing is shrunk for this device). */
  readonly structure?: Structure;
  /** The file `structure` was read from, named in errors about it. */
  readonly structureFile?: string;
}

/** How each device's architecture is shrunk: the knobs of a shrink run that compare passes through. */
export type CompareShrinkOptions = Partial<
  Pick<
    ShrinkRequest,
    'goal' | 'steps' | 'epochs' | 'batchSize' | 'loss' | 'optimizer' | 'learningRate' | 'threshold' | 'removalCost' | 'minWidthRatio' | 'checkEvery' | 'snap' | 'withinSeed' | 'fill' | 'seed' | 'candidates' | 'candidateEpochs' | 'candidateTrainings'
  >
>;

/** Where a compare run stands, for progress displays. */
export type CompareProgress =
  | { readonly phase: 'shrinking'; readonly device: string; readonly index: number; readonly count: number; readonly step: ShrinkProgress }
  | { readonly phase: 'shrink-phase'; readonly device: string; readonly name: string }
  | { readonly phase: 'retraining'; readonly device: string; readonly step: number; readonly totalSteps: number }
  | { readonly phase: 'measuring'; readonly device: string; readonly backend: string; readonly models: number }
  | { readonly phase: 'not-measured'; readonly device: string; readonly reason: string };

/**
 * How the devices that run here are timed end to end: profilers' one definition of latency, with its
 * knobs; each device at its profile's batch.
 */
export type MeasureSettings = Omit<EndToEndOptions, 'signal' | 'batch' | 'deadline'>;

/** A compare run. */
export interface CompareRequest {
  /** The seed model every architecture is derived from. */
  readonly model: tfl.LayersModel;
  /** How the seed is called in reports (a zoo name or a model.json folder). */
  readonly modelName: string;
  /** The devices, at least two, with unique profile names. Devices without a given structure get one shrunk for them. */
  readonly devices: readonly CompareDeviceInput[];
  /**
   * How to shrink for each device (default: one epoch, to half of the seed's latency on that device).
   * A ratio goal is of the latency the layers account for: the device profile's network-level
   * constant stays whole, so one ratio asks the same share of work off every device.
   */
  readonly shrink?: CompareShrinkOptions;
  /** Training data for shrinking and retraining. */
  readonly train?: ShrinkRequest['train'];
  /** Test data for the retrained architectures' accuracy. */
  readonly test?: ShrinkRequest['test'];
  /** Validation data each device's shrink candidates are scored on (needed with `shrink.candidates` above 1). */
  readonly validation?: ShrinkRequest['validation'];
  /**
   * Rescale every shrunk architecture with MorphNet's width multiplier to the FLOPs of the smallest one
   * (then snap it to its device again), so the architectures differ in how they spend one compute
   * budget, not in how much they have: a comparison at roughly matched accuracy. Default false.
   */
  readonly matchFlops?: boolean;
  /** Epochs to retrain each architecture from scratch; with test data, gives `accuracy`. Default 0 (none). */
  readonly retrainEpochs?: number;
  /** The backend shrinking and retraining run on (default wasm). */
  readonly trainBackend?: BackendName;
  /** Folder for each architecture's files: `<outDir>/architectures/<device>/` (model.json, structure.json, ...). */
  readonly outDir: string;
  /** Reuse the architectures an interrupted run finished and the retrainings kept beside them, and resume the one it was shrinking. */
  readonly resume?: boolean;
  /** End-to-end timing of the devices that run here (the standard definition by default); false measures nothing. */
  readonly measure?: MeasureSettings | false;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: CompareProgress) => void;
}

/** One device of the comparison: a row of the matrices. */
export interface CompareDevice {
  /** The profile's name. */
  readonly name: string;
  readonly backend: string;
  /** The profile file, where it came from one. */
  readonly profile?: string;
  /** CPU model and GPU adapter, as the profile records them. */
  readonly cpu: string;
  readonly gpu?: string;
  /** The profile's batch, at which its row is predicted and measured. */
  readonly batch: number;
  /** True when this device's backend ran here on the profiled device, so its row was measured. */
  readonly measuredHere: boolean;
  /** Why the row was not measured. */
  readonly notMeasuredBecause?: string;
  /** The seed's latency on this device: predicted from the profile, and measured where `measuredHere`. */
  readonly seedPredictedMs: number;
  readonly seedMeasuredMs: number | null;
  /** The seed's prediction split by op kind (plus `constant`). */
  readonly seedPredictedByKindMs: Readonly<Record<string, number>>;
}

/** One architecture of the comparison: a column of the matrices, shrunk for (or given for) one device. */
export interface CompareArchitecture {
  /** The device it was shrunk for. */
  readonly device: string;
  readonly source: 'shrunk' | 'given';
  /** Alive channels per channel-owning layer of the seed (0 where the layer was removed). */
  readonly structure: Structure;
  /** Test accuracy after retraining from scratch, when asked for. */
  readonly accuracy?: number;
  /** The latency on its device it was shrunk to (ms), for shrunk architectures. */
  readonly targetMs?: number;
  /** The width multiplier it was rescaled by to match FLOPs (with `matchFlops`). */
  readonly multiplier?: number;
  readonly parameters: number;
  readonly flops: number;
  /** Layers removed because no alive channel reaches them. */
  readonly removed: readonly string[];
  /** Folder of its model.json and structure.json. */
  readonly dir: string;
}

/** How much faster each device's own architecture is than the fastest other one on that device. */
export interface OwnArchitectureMargin {
  readonly device: string;
  /** min over other architectures of their latency / own latency − 1 (negative: another one is faster). */
  readonly predicted: number;
  readonly measured: number | null;
}

/** The result of a compare run: `compare.json`. */
export interface CompareResult {
  readonly schema: typeof COMPARE_SCHEMA;
  readonly createdAt: string;
  readonly model: {
    readonly name: string;
    readonly parameters: number;
    readonly flops: number;
    /** The seed's channels per channel-owning layer, in network order. */
    readonly structure: Structure;
  };
  readonly devices: readonly CompareDevice[];
  readonly architectures: readonly CompareArchitecture[];
  /** `predictedMs[i][j]`: latency of architecture j on device i, from device i's profile. */
  readonly predictedMs: readonly (readonly number[])[];
  /** `measuredMs[i][j]`: measured here where device i's backend runs on the profiled device; null elsewhere. */
  readonly measuredMs: readonly (readonly (number | null)[])[];
  /** `predictedByKindMs[i][j]`: the prediction of architecture j on device i split by op kind (plus `constant`). */
  readonly predictedByKindMs: readonly (readonly Readonly<Record<string, number>>[])[];
  readonly margins: readonly OwnArchitectureMargin[];
  /** The settings the architectures were made and measured with. */
  readonly settings: {
    readonly shrink: CompareShrinkOptions | null;
    readonly retrainEpochs: number;
    readonly matchFlops: boolean;
    readonly trainBackend: string;
    readonly measure: Required<MeasureSettings> | null;
  };
}
