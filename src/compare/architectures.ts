/**
 * Each device's architecture: the structure given for it, or MorphNet shrinking for that device's
 * measured latency (from a fresh copy of the seed, so every device starts from the same weights),
 * optionally rescaled to matched FLOPs, and retrained from scratch for its accuracy when asked. Each
 * lands in `<outDir>/architectures/<device>/` (rescaled: in its `matched-flops/` folder); a resumed run
 * reuses the finished shrink runs and the retrainings kept beside each architecture.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { flopsTarget } from '../costs/analytic.js';
import { latencyTarget } from '../costs/latency/target.js';
import { networkCost } from '../costs/network.js';
import { CancelledError, StructureError, UsageError } from '../errors.js';
import type { Structure } from '../graph/alive.js';
import { fullStructure, propagateAlive, sameStructure } from '../graph/alive.js';
import { buildGraph } from '../graph/build.js';
import type { OpGraph } from '../graph/types.js';
import { saveModelFiles } from '../graph/model-file.js';
import { readStructureFile, writeStructureFile } from '../graph/structure-file.js';
import { expandStructure, structureCost } from '../morph/structure/expand.js';
import { buildShrunkModel } from '../morph/structure/rebuild.js';
import { snapStructure } from '../morph/structure/snap.js';
import { shrinkPaths } from '../shrink/files.js';
import { canResumeShrink, runShrink } from '../shrink/index.js';
import type { ShrinkGoal, ShrinkReport } from '../shrink/types.js';
import { retrainFromScratch } from '../shrink/retrain.js';
import { classificationAccuracy } from '../train/evaluate.js';
import { fileSlug } from '../util/slug.js';
import { dataIdentity, keepAccuracy, keptAccuracy } from './retrained.js';
import type { RetrainingKey } from './retrained.js';
import type { CompareArchitecture, CompareDeviceInput, CompareRequest } from './types.js';

/** An architecture as made: what compare needs of it before pricing and timing. */
export type MadeArchitecture = Pick<CompareArchitecture, 'device' | 'source' | 'structure' | 'accuracy' | 'targetMs' | 'multiplier' | 'dir'>;

/** Shrink each device's architecture to half of the seed's layer latency on that device unless told otherwise. */
export const DEFAULT_GOAL: ShrinkGoal = { kind: 'ratio', ratio: 0.5 };

/**
 * A compare goal as one device's shrink goal. A ratio is of the part of the seed's latency that
 * channels can change: the profile's network-level constant (launch and download costs that no width
 * removes) is kept whole, so one ratio asks the same share of work off every device. A latency goal
 * at or below that constant cannot be met and is refused.
 */
export function deviceGoal(goal: ShrinkGoal, seedMs: number, constantMs: number, device: string): ShrinkGoal {
  if (goal.kind === 'strength') return goal;
  if (goal.kind === 'ratio') {
    if (!(goal.ratio > 0 && goal.ratio < 1)) throw new UsageError(`the target ratio must be in (0, 1), got ${goal.ratio}`);
    return { kind: 'cost', cost: constantMs + goal.ratio * (seedMs - constantMs) };
  }
  if (!(goal.cost > constantMs)) {
    throw new UsageError(`a target of ${goal.cost} ms cannot be met on \`${device}\`: its profile puts ${constantMs.toFixed(3)} ms of every network's latency in a constant no width removes`);
  }
  return goal;
}

/** A folder name for a device (its profile name with anything unsafe replaced). */
export function deviceFolder(outDir: string, device: string): string {
  return path.join(outDir, 'architectures', fileSlug(device));
}

/**
 * Where an architecture rescaled to matched FLOPs is saved: inside the folder of the shrink run it was
 * rescaled from, which keeps that run's own model and structure.
 */
export function matchedFlopsFolder(shrinkDir: string): string {
  return path.join(shrinkDir, 'matched-flops');
}

/** A copy of the seed with its weights, so that shrinking (which trains in place) leaves the seed alone. */
async function seedCopy(seed: tfl.LayersModel): Promise<tfl.LayersModel> {
  const copy = await tfl.models.modelFromJSON({ modelTopology: seed.toJSON(undefined, false) } as never);
  copy.setWeights(seed.getWeights());
  return copy;
}

/** Runs `f`, naming the structure's file (or its device) in the StructureErrors it raises. */
async function namingStructure<T>(device: CompareDeviceInput, f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof StructureError && e.message.startsWith('structure:')) {
      const where = device.structureFile ?? `structure for \`${device.profile.name}\``;
      throw new StructureError(`${where}:${e.message.slice('structure:'.length)}`, { cause: e });
    }
    throw e;
  }
}

async function readFinishedShrink(dir: string): Promise<ShrinkReport | undefined> {
  const text = await fs.readFile(shrinkPaths(dir).report, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as ShrinkReport);
}

/**
 * Retrains `model` from scratch as a compare request retrains its architectures (seed: the request's
 * shrink seed, or `seed`) and returns its test accuracy.
 */
export async function retrain(request: CompareRequest, device: string, model: tfl.LayersModel, seed?: number): Promise<number | undefined> {
  const data = request.train;
  if (data === undefined) throw new UsageError(`retraining the architecture for \`${device}\` needs training data`);
  const result = await retrainFromScratch(model, {
    train: data,
    ...(request.test === undefined ? {} : { test: request.test }),
    epochs: request.retrainEpochs ?? 0,
    batchSize: request.shrink?.batchSize ?? 32,
    seed: seed ?? request.shrink?.seed ?? 1,
    ...(request.shrink?.loss === undefined ? {} : { loss: request.shrink.loss }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    onStep: (info) => request.onProgress?.({ phase: 'retraining', device, step: info.step, totalSteps: info.totalSteps }),
  });
  if (result.state === 'cancelled') throw new CancelledError(`interrupted while retraining the architecture for \`${device}\``);
  return classificationAccuracy(result.evaluation);
}

/** The architecture given for a device: checked against the seed, saved, and retrained when asked. */
async function givenArchitecture(request: CompareRequest, device: CompareDeviceInput, structure: Structure): Promise<MadeArchitecture> {
  const name = device.profile.name;
  const seedGraph = buildGraph(request.model);
  const complete = await namingStructure(device, () => {
    propagateAlive(seedGraph, structure, { allowWider: true });
    return { ...fullStructure(seedGraph), ...structure };
  });
  const dir = deviceFolder(request.outDir, name);
  const accuracy = await namingStructure(device, () => saveArchitecture(request, name, complete, dir));
  return { device: name, source: 'given', structure: complete, ...(accuracy === undefined ? {} : { accuracy }), dir };
}

/** Runs `f`, naming the device in the errors about its shrink run (a collapsed structure, a bad goal). */
async function namingDevice<T>(device: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof StructureError) throw new StructureError(`shrinking for \`${device}\`: ${e.message}`, { cause: e });
    if (e instanceof UsageError) throw new UsageError(`shrinking for \`${device}\`: ${e.message}`, { cause: e });
    throw e;
  }
}

/** The architecture MorphNet shrinks for a device's latency (resuming or reusing an earlier run's). */
async function shrunkArchitecture(request: CompareRequest, device: CompareDeviceInput, index: number, count: number): Promise<MadeArchitecture> {
  const name = device.profile.name;
  const dir = deviceFolder(request.outDir, name);
  const seedGraph = buildGraph(request.model);
  const seedStructure = fullStructure(seedGraph);
  const target = latencyTarget(device.profile);
  const goal = deviceGoal(request.shrink?.goal ?? DEFAULT_GOAL, networkCost(seedGraph, target).total, target.fixedCost, name);
  const made = (structure: Structure, accuracy: number | undefined): MadeArchitecture => ({
    device: name,
    source: 'shrunk',
    structure: { ...seedStructure, ...structure },
    ...(accuracy === undefined ? {} : { accuracy }),
    ...(goal.kind === 'cost' ? { targetMs: goal.cost } : {}),
    dir,
  });
  if (request.resume === true) {
    const finished = await readFinishedShrink(dir);
    if (finished !== undefined) {
      if (JSON.stringify(finished.seedStructure) !== JSON.stringify(seedStructure)) {
        throw new UsageError(`${shrinkPaths(dir).report} was shrunk from another model; remove ${dir} or give another --out`);
      }
      return made(finished.structure, finished.accuracy);
    }
  }
  if (request.train === undefined) throw new UsageError(`shrinking for \`${name}\` needs training data; give a structure per device to compare without shrinking`);
  const trainData = request.train;
  const resume = request.resume === true && (await canResumeShrink(dir, request.shrink?.candidates));
  const copy = await seedCopy(request.model);
  try {
    const report = await namingDevice(name, () =>
      runShrink({
        ...request.shrink,
        goal,
        model: copy,
        target,
        train: trainData,
        ...(request.test === undefined ? {} : { test: request.test }),
        ...(request.validation === undefined ? {} : { validation: request.validation }),
        ...(request.shrink?.candidateEpochs === undefined && (request.retrainEpochs ?? 0) > 0 ? { candidateEpochs: request.retrainEpochs } : {}),
        retrainEpochs: request.matchFlops === true ? 0 : (request.retrainEpochs ?? 0),
        outDir: dir,
        resume,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        onProgress: (step) => request.onProgress?.({ phase: 'shrinking', device: name, index, count, step }),
        onPhase: (phase) => request.onProgress?.({ phase: 'shrink-phase', device: name, name: phase }),
      }),
    );
    return made(report.structure, report.accuracy);
  } finally {
    copy.dispose();
  }
}

/**
 * What a compare request's retraining of `structure` with `seed` (default: the request's shrink seed)
 * depends on; undefined when the request retrains nothing.
 */
export function retrainingKey(request: CompareRequest, structure: Structure, seed?: number): RetrainingKey | undefined {
  if (!((request.retrainEpochs ?? 0) > 0) || request.train === undefined) return undefined;
  return {
    structure,
    seed: seed ?? request.shrink?.seed ?? 1,
    epochs: request.retrainEpochs ?? 0,
    batchSize: request.shrink?.batchSize ?? 32,
    ...(request.shrink?.loss === undefined ? {} : { loss: request.shrink.loss }),
    train: dataIdentity(request.train),
    test: request.test === undefined ? null : dataIdentity(request.test),
  };
}

/**
 * Saves an architecture's model and structure in its folder, retrained first when asked; returns its
 * accuracy. A resumed request whose folder holds this very model and retraining reads them back.
 */
async function saveArchitecture(request: CompareRequest, device: string, structure: Structure, dir: string): Promise<number | undefined> {
  const key = retrainingKey(request, structure);
  const saved = request.resume === true ? await savedStructure(dir) : undefined;
  if (saved !== undefined && sameStructure(saved, structure) && existsSync(path.join(dir, 'model.json'))) {
    const kept = key === undefined ? undefined : await keptAccuracy(dir, key);
    if (key === undefined || kept !== undefined) return kept;
  }
  const { model } = await buildShrunkModel(request.model, structure);
  try {
    const accuracy = key !== undefined ? await retrain(request, device, model) : undefined;
    await saveModelFiles(model, dir);
    await writeStructureFile(shrinkPaths(dir).structure, structure);
    if (key !== undefined && accuracy !== undefined) await keepAccuracy(dir, key, accuracy);
    return accuracy;
  } finally {
    model.dispose();
  }
}

/** The structure saved in `dir`, or undefined when none is readable there. */
async function savedStructure(dir: string): Promise<Structure | undefined> {
  return readStructureFile(shrinkPaths(dir).structure).catch(() => undefined);
}

/**
 * The structure of one width multiplier over `structure`, snapped by `snap`, whose FLOPs land nearest
 * `goal`. Snapping widens (each group moves to the cheapest width at or above it), so the multiplier is
 * searched on the snapped FLOPs when snapping overshoots: bisection on the expansion's own goal between
 * a quarter of `goal` and `goal` (above what the narrowest structure costs), keeping the nearest seen.
 */
function snappedToFlops(graph: OpGraph, structure: Structure, goal: number, snap: (s: Structure) => Structure): { structure: Structure; multiplier: number } {
  const flops = flopsTarget();
  const at = (expansionGoal: number): { structure: Structure; multiplier: number; miss: number } => {
    const expansion = expandStructure(graph, structure, flops, expansionGoal);
    const snapped = snap(expansion.structure);
    return { structure: snapped, multiplier: expansion.multiplier, miss: structureCost(graph, flops, snapped) / goal - 1 };
  };
  const matched = at(goal);
  let best = matched;
  let lo = goal / 4;
  let hi = goal;
  for (let i = 0; i < 16 && matched.miss > 0; i++) {
    const mid = (lo + hi) / 2;
    let here: ReturnType<typeof at>;
    try {
      here = at(mid);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      lo = mid;
      continue;
    }
    if (Math.abs(here.miss) < Math.abs(best.miss)) best = here;
    if (here.miss > 0) hi = mid;
    else lo = mid;
  }
  return { structure: best.structure, multiplier: best.multiplier };
}

/**
 * The shrunk architectures rescaled by one width multiplier each to the FLOPs of the smallest, snapped
 * to their own device again (the multiplier chosen so the snapped FLOPs match), saved and (when asked)
 * retrained.
 */
async function matchedFlops(request: CompareRequest, made: readonly MadeArchitecture[]): Promise<MadeArchitecture[]> {
  const graph = buildGraph(request.model);
  const flops = flopsTarget();
  const shrunk = made.filter((a) => a.source === 'shrunk');
  if (shrunk.length === 0) return [...made];
  const goal = Math.min(...shrunk.map((a) => structureCost(graph, flops, a.structure)));
  const out: MadeArchitecture[] = [];
  for (const [i, a] of made.entries()) {
    const device = request.devices[i];
    if (a.source !== 'shrunk' || device === undefined) {
      out.push(a);
      continue;
    }
    const target = latencyTarget(device.profile);
    const snap = (s: Structure): Structure =>
      request.shrink?.snap === false ? s : snapStructure(graph, s, target, { withinModel: request.shrink?.withinSeed === true }).structure;
    const { structure, multiplier } = snappedToFlops(graph, a.structure, goal, snap);
    const dir = matchedFlopsFolder(a.dir);
    const accuracy = await saveArchitecture(request, a.device, structure, dir);
    const { accuracy: _unmatched, ...rest } = a;
    out.push({ ...rest, structure, multiplier, ...(accuracy === undefined ? {} : { accuracy }), dir });
  }
  return out;
}

/** Makes every device's architecture, in the order of `request.devices`. */
export async function makeArchitectures(request: CompareRequest): Promise<MadeArchitecture[]> {
  const made: MadeArchitecture[] = [];
  const count = request.devices.filter((d) => d.structure === undefined).length;
  let shrunk = 0;
  for (const device of request.devices) {
    made.push(device.structure === undefined ? await shrunkArchitecture(request, device, shrunk++, count) : await givenArchitecture(request, device, device.structure));
  }
  return request.matchFlops === true ? matchedFlops(request, made) : made;
}
