/**
 * The library flow's inputs made concrete: a model from a path or zoo name, a profile from its file, a structure
 * from its file, a cost target from its name, data from files or streams, and a backend to work on.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../backends/index.js';
import type { BackendName } from '../backends/types.js';
import { analyticTargetNamed } from '../costs/targets.js';
import { latencyTarget } from '../costs/latency/target.js';
import type { CostTarget } from '../costs/types.js';
import { StructureError, UsageError } from '../errors.js';
import type { Structure } from '../graph/alive.js';
import { readStructureFile } from '../graph/structure-file.js';
import { parseProfile, readProfile } from '../profile/io.js';
import type { DeviceProfile } from '../profile/schema.js';
import { expectationFor, loadData } from '../train/data/formats/registry.js';
import type { DataRequest } from '../train/data/formats/types.js';
import type { BatchSource } from '../train/data/source.js';
import { isStreamInput, streamSource } from '../train/data/stream.js';
import { outputUnits, type LossName } from '../train/loss.js';
import { modelName, resolveModel } from '../zoo/resolve.js';
import type { DataInput, ModelInput, ProfileInput, StructureInput, TargetInput } from './types.js';

/** Starts `name`, or (without one) leaves the active backend, starting `fallback` when none is active. */
export async function useBackend(name: BackendName | undefined, fallback: BackendName): Promise<void> {
  if (name !== undefined) await initBackend(name);
  else if (tf.engine().backendName == null) await initBackend(fallback);
}

/** The model itself, loaded from its model.json, or built from the zoo. */
export async function modelOf(input: ModelInput): Promise<tfl.LayersModel> {
  return (await resolveModel(input)).model;
}

/** A short name for a model: its zoo name, the folder of its model.json, or its `name`. */
export function modelNameOf(input: ModelInput): string {
  return typeof input === 'string' ? modelName(input) : input.name;
}

/** The profile, read and checked from its file, or checked as given. */
export async function profileOf(input: ProfileInput): Promise<DeviceProfile> {
  return typeof input === 'string' ? readProfile(input) : parseProfile(input, `profile ${input.name}`);
}

/** The structure, read from its file, or as given. */
export async function structureOf(input: StructureInput | undefined): Promise<Structure | undefined> {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? readStructureFile(input) : input;
}

/** Runs `f`, naming the structure's file (when it came from one) in the StructureErrors it raises. */
export function namingStructure<T>(input: StructureInput | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (typeof input === 'string' && e instanceof StructureError && e.message.startsWith('structure:')) {
      throw new StructureError(`${input}:${e.message.slice('structure:'.length)}`, { cause: e });
    }
    throw e;
  }
}

/** The cost target: a named analytic one, latency from the profile, or the object given. */
export async function targetOf(input: TargetInput | undefined, profile: ProfileInput | undefined, batch = 1): Promise<CostTarget> {
  if (typeof input === 'object') return input;
  const name = input ?? (profile === undefined ? 'flops' : 'latency');
  if (name !== 'latency') return analyticTargetNamed(name, batch);
  if (profile === undefined) throw new UsageError('`target: latency` needs a `profile`');
  return latencyTarget(await profileOf(profile), { batch });
}

/** Data made ready for a model: the training source, held-out data when there is some, and what it is. */
export interface ReadyData {
  readonly train: BatchSource;
  readonly heldOut?: BatchSource;
  /** The validation split, when the files had one. */
  readonly validation?: BatchSource;
  readonly description: string;
}

function isBatchSource(input: DataInput): input is BatchSource {
  const s = input as Partial<BatchSource>;
  return typeof s.batches === 'function' && typeof s.batchCount === 'function' && s.labelSpec !== undefined;
}

/** Reads `input` for training `model`: files as `--data` reads them, streams opened, in-memory sources as they are. */
export async function dataOf(input: DataInput, model: tfl.LayersModel, loss: LossName | 'auto' | undefined, signal?: AbortSignal): Promise<ReadyData> {
  if (isBatchSource(input)) return { train: input, description: input.description };
  const inputShape = model.inputs[0]?.shape.slice(1) ?? [];
  if (isStreamInput(input)) {
    const train = await streamSource(input, { inputShape, outputUnits: outputUnits(model) });
    return { train, description: train.description };
  }
  if (typeof input !== 'object' || input === null) throw new UsageError('`data` must be a BatchSource, a tf.data.Dataset, an async iterable of batches, or files to read');
  const request: DataRequest = { ...input, ...(signal === undefined ? {} : { signal }) };
  const loaded = await loadData(request, expectationFor(model, loss));
  const heldOut = loaded.test ?? loaded.validation;
  return {
    train: loaded.train,
    ...(heldOut === undefined ? {} : { heldOut }),
    ...(loaded.validation === undefined ? {} : { validation: loaded.validation }),
    description: loaded.description,
  };
}
