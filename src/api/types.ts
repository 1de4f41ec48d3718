/** The public types of the library flow: what `profile`, `predict`, `shrink` and `expand` take and return. */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ProfileProgress } from '../../profilers/run.js';
import type { DeviceSpeed } from '../../profilers/speed.js';
import type { CompareRequest } from '../compare/types.js';
import type { ActiveBackend, BackendName } from '../backends/types.js';
import type { PastSweep } from '../costs/swept.js';
import type { CostTarget } from '../costs/types.js';
import type { Structure } from '../graph/alive.js';
import type { DeviceProfile } from '../profile/schema.js';
import type { ShrinkGoal, ShrinkRequest } from '../shrink/types.js';
import type { DataRequest } from '../train/data/formats/types.js';
import type { BatchSource } from '../train/data/source.js';
import type { StreamInput } from '../train/data/stream.js';

/** A model: a tfjs-layers model, a model.json path, or a zoo name. */
export type ModelInput = tfl.LayersModel | string;

/** A device profile: the object, or the path of its JSON file. */
export type ProfileInput = DeviceProfile | string;

/** A structure (alive channels per layer): the object, or the path of its JSON file. */
export type StructureInput = Structure | string;

/**
 * Labelled data: an in-memory `BatchSource` (e.g. an `ImageDataset`), a tf.data.Dataset of `{ xs, ys }`, an
 * async iterable of `{ xs, ys }` batches (or a function returning a new one for every pass), or files to read
 * as the CLI's `--data` does (`{ path: 'photos/', validationSplit: 0.2 }`).
 */
export type DataInput = BatchSource | StreamInput | DataRequest;

/** A cost target by name (`latency` needs a profile), or a cost target object. */
export type TargetInput = 'latency' | 'flops' | 'size' | 'memory' | `roofline:${string}` | CostTarget;

/** What `profile` measures. */
export interface ProfileOptions {
  /** The backend to profile (default `wasm`), or one already started with `initBackend`. */
  readonly backend?: BackendName | ActiveBackend;
  /** Profile this model's layers; without it, a generic sweep over common configurations. */
  readonly model?: ModelInput;
  /** The model's name in the profile (default: its zoo name, its model.json folder, or its `name`). */
  readonly modelName?: string;
  /** Default 120 s. */
  readonly budgetSeconds?: number;
  /** Default 1. */
  readonly batch?: number;
  readonly seed?: number;
  /** Write the profile here after every piece of work (atomically), so an interrupted run can resume. */
  readonly out?: string;
  /** Continue an interrupted run (its partial profile, or the file holding it, then also `out` by default), or top up a complete profile made by an earlier version. */
  readonly resume?: ProfileInput;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ProfileProgress) => void;
}

/** What `predict` prices. */
export interface PredictOptions {
  readonly profile: ProfileInput;
  readonly model: ModelInput;
  /** Price the model at these widths instead of its own. */
  readonly structure?: StructureInput;
  /** Default: the profile's batch. */
  readonly batch?: number;
  /** Also time the model here, on the profile's backend (refused on another device unless `force`). */
  readonly measure?: boolean;
  /**
   * With `measure`: also time up to this many of the profile's calibration networks beside the model, to
   * see how far the device's speed has moved since profiling (default 3; 0: none).
   */
  readonly speedNetworks?: number;
  readonly force?: boolean;
  /** The backend to read the model on when not measuring (default: the active one, else cpu). */
  readonly backend?: BackendName;
  readonly signal?: AbortSignal;
}

/** A latency prediction: what `morphlat predict --json` prints, plus the network constant and the profile's name. */
export interface Prediction {
  readonly backend: string;
  readonly batch: number;
  readonly predictedMs: number;
  /** With `measure`: the median end-to-end latency measured here. */
  readonly measuredMs?: number;
  /**
   * With `measure`, when some of the profile's calibration networks can be built here: their latency now
   * over when profiled, and the prediction at that speed (`predictedMs · ratio`).
   */
  readonly deviceSpeed?: DeviceSpeed & { readonly predictedMs: number };
  readonly layers: readonly { readonly name: string; readonly op: string; readonly predictedMs: number }[];
  /** The part of `predictedMs` that no layer owns (the calibrated network offset). */
  readonly networkConstantMs: number;
  readonly profileName: string;
}

/** The settings a shrink run takes as `runShrink` does (documented there). */
type ShrinkSettings = Pick<
  ShrinkRequest,
  'steps' | 'epochs' | 'batchSize' | 'loss' | 'optimizer' | 'learningRate' | 'threshold' | 'removalCost' | 'minWidthRatio' | 'checkEvery' | 'snap' | 'withinSeed' | 'fill' | 'retrainEpochs' | 'candidates' | 'candidateEpochs' | 'candidateTrainings' | 'seed' | 'outDir' | 'resume' | 'signal' | 'onProgress' | 'onPhase'
>;

/** A shrink run of the library flow: `runShrink`'s settings, with the model, data and target in any of their forms. */
export interface ShrinkOptions extends ShrinkSettings {
  /** The seed model; a LayersModel is trained in place. */
  readonly model: ModelInput;
  readonly data: DataInput;
  /** Held-out data for the retrained model's metric (default: the test or validation split `data` read). */
  readonly validation?: DataInput;
  /** With `candidates` > 1: the data candidates are scored on (default: the validation split `data` read). */
  readonly candidateData?: DataInput;
  /** Default `latency` when a profile is given, else `flops`. */
  readonly target?: TargetInput;
  readonly profile?: ProfileInput;
  /** Default: half the seed's cost. */
  readonly goal?: ShrinkGoal;
  /** The backend to train on (default: the active one, else `wasm`). */
  readonly backend?: BackendName;
}

/** The cost an expansion aims at: the seed's own, a share of it, a latency, or a cost in the target's unit. */
export type ExpansionGoal = 'seed' | { readonly ratio: number } | { readonly ms: number } | { readonly cost: number };

/** What `expand` widens. */
export interface ExpandOptions {
  /** The seed model. */
  readonly model: ModelInput;
  /** The learned structure (e.g. a shrink run's `structure`). */
  readonly structure: StructureInput;
  /** Default `latency` when a profile is given, else `flops`. */
  readonly target?: TargetInput;
  readonly profile?: ProfileInput;
  /** Default `seed`. */
  readonly to?: ExpansionGoal;
  /** Write structure.json and the expanded model.json here. */
  readonly outDir?: string;
}

/** An expansion: the multiplier found, the expanded structure and its cost against the goal. */
export interface Expanded {
  readonly target: string;
  readonly unit: string;
  readonly multiplier: number;
  readonly structure: Structure;
  readonly cost: number;
  readonly goal: number;
  readonly seedCost: number;
  /** Layers a latency profile prices past the channel counts it measured (their latency is extrapolated). */
  readonly extrapolated: readonly PastSweep[];
}

/** A device to compare on: its profile (object or file), optionally with its architecture taken as given. */
export type CompareDeviceOption = ProfileInput | { readonly profile: ProfileInput; readonly structure?: StructureInput };

/** What `compare` compares. */
export interface CompareOptions
  extends Pick<CompareRequest, 'shrink' | 'matchFlops' | 'retrainEpochs' | 'trainBackend' | 'outDir' | 'resume' | 'measure' | 'signal' | 'onProgress'> {
  /** The seed every architecture is derived from. */
  readonly model: ModelInput;
  /** How the seed is called in the result (default: its zoo name, model.json folder, or `name`). */
  readonly modelName?: string;
  /** At least two devices with unique profile names. */
  readonly devices: readonly CompareDeviceOption[];
  /** Training data, needed to shrink for a device without a given structure and to retrain. */
  readonly data?: DataInput;
  /** Held-out data for the retrained architectures' metric (default: the test or validation split of `data`). */
  readonly validation?: DataInput;
  /** With `shrink.candidates` > 1: the data each device's candidates are scored on (default: the validation split `data` read). */
  readonly candidateData?: DataInput;
}
