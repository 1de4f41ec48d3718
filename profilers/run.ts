/**
 * One profiling run: the device's roofline, per-op latency sweeps (of a model's layers, or of common
 * configurations), fitted cost functions, end-to-end calibration and validation, all within a time
 * budget. The profile is checkpointed after every piece of work, so an interrupted run resumes where
 * it stopped and nothing measured is lost.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { median } from 'simple-statistics';
import type { ActiveBackend, GpuIdentity } from '../src/backends/types.js';
import { latencyTarget } from '../src/costs/latency/target.js';
import { familyKeyOf } from '../src/costs/latency/registry.js';
import { fittedLatency } from '../src/costs/latency/fitted.js';
import { networkCost } from '../src/costs/network.js';
import { CancelledError, ProfileError } from '../src/errors.js';
import { buildGraph } from '../src/graph/build.js';
import { rebuildWithStructure } from '../src/graph/rebuild.js';
import type { Structure } from '../src/graph/alive.js';
import { PROFILE_SCHEMA } from '../src/profile/schema.js';
import type { Calibration, DeviceProfile, EndToEndPoint, OpProfile, Sample } from '../src/profile/schema.js';
import { sha256Hex } from '../src/util/sha256.js';
import { profilerFor } from './backends/registry.js';
import type { BackendProfiler } from './backends/types.js';
import { CALIBRATION_NETS } from './calibration-nets.js';
import { measureEndToEndMany, modelInputs, timeOneRun } from './end-to-end.js';
import type { EndToEndOptions } from './end-to-end.js';
import { calibrate } from './fit/calibrate.js';
import { errorSummary } from './fit/errors.js';
import { fitLatency } from './fit/op-fit.js';
import { timeProbes } from './harness/bench.js';
import type { ReferenceProbe } from './harness/bench.js';
import { Budget } from './harness/budget.js';
import { buildProbe } from './probe.js';
import { buildReference, measureRoofline } from './roofline.js';
import { channelPoints, genericSweepItems, isTwoAxis, modelSweepItems } from './sweep.js';
import type { SweepItem } from './sweep.js';
import { randomStructure } from './variants.js';

/** Where a profiling run stands, for progress bars. */
export interface ProfileProgress {
  readonly phase: 'roofline' | 'sweep' | 'end-to-end' | 'fit' | 'done';
  readonly detail: string;
  readonly spentMs: number;
  readonly budgetMs: number;
}

/** What to profile and how. */
export interface ProfileRequest {
  readonly backend: ActiveBackend;
  /** Profile this model's layers; without it, a generic sweep over common configurations. */
  readonly model?: {
    readonly model: tfl.LayersModel;
    readonly name: string;
    /** Sweep each channel axis a structure can widen this much past the model's widths (default 1: to them). */
    readonly headroom?: number;
  };
  readonly budgetSeconds?: number;
  readonly batch?: number;
  readonly seed?: number;
  /** A partial profile from an interrupted run of the same request, to continue. */
  readonly resume?: DeviceProfile;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ProfileProgress) => void;
  /** Called with the profile after every piece of work (write it to disk here). */
  readonly onCheckpoint?: (p: DeviceProfile) => Promise<void>;
}

/** The time budget of a run that names none (s). */
export const DEFAULT_BUDGET_SECONDS = 120;

/** Shares of the budget by which each phase should be done. */
const SWEEP_END = 0.5;
const ROOFLINE_ITEM = 'roofline';
const END_TO_END_ITEM = 'end-to-end';
/**
 * Share of the budget kept for the end-to-end round under way at its deadline (webgpu profiles of
 * 120 s ran to 121 s without it).
 */
const END_TO_END_RESERVE = 0.03;

/** The entry of a profile's `done` list saying that `item` was swept. */
function sweepDoneItem(item: SweepItem): string {
  return `sweep:${item.signature}`;
}

function sweepItemsOf(model: tfl.LayersModel | undefined, headroom: number | undefined): SweepItem[] {
  return model === undefined ? genericSweepItems() : modelSweepItems(model, headroom === undefined ? {} : { headroom });
}

/**
 * The op configurations this version sweeps that `profile` has not swept: none for a complete profile
 * of this version; for one made by an earlier version, the configurations added since.
 */
export function unsweptItems(profile: DeviceProfile, model?: tfl.LayersModel): SweepItem[] {
  return sweepItemsOf(model, profile.model?.headroom).filter((item) => !profile.done.includes(sweepDoneItem(item)));
}

/**
 * Whether `profile` measured its end-to-end networks: sweeps resumed after that top up a profile made by
 * an earlier version, and its calibration must be fitted again from the stored networks once they end.
 */
export function measuredEndToEnd(profile: DeviceProfile): boolean {
  return profile.done.includes(END_TO_END_ITEM);
}

/** A fingerprint of a model's topology (its widths and wiring, not its weights). */
export function modelFingerprint(model: tfl.LayersModel): string {
  return sha256Hex(JSON.stringify(model.toJSON(undefined, false))).slice(0, 16);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, ' ').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** The GPU's name: the adapter's device (`nvidia-h200`) for hardware, the driver's (`llvmpipe`) for a software renderer. */
function gpuName(gpu: GpuIdentity): string {
  const driver = gpu.description.split(/[:(]/)[0]?.trim() ?? '';
  return (gpu.architecture !== 'software' && gpu.device !== '' ? gpu.device : driver) || gpu.device;
}

/** The name of a profile: device, backend and (for model-specific profiles) model. */
export function profileName(backend: ActiveBackend, modelName?: string): string {
  const { gpu, browser } = backend.identity;
  const device = browser !== undefined ? `${browser.name} ${browser.platform}` : (gpu === undefined ? '' : gpuName(gpu)) || backend.identity.cpuModel;
  return [slug(device) || 'device', `${backend.identity.cpuCores}c`, backend.name, modelName].filter(Boolean).join('-');
}

function emptyProfile(request: ProfileRequest, budgetSeconds: number): DeviceProfile {
  const now = new Date().toISOString();
  return {
    schema: PROFILE_SCHEMA,
    name: profileName(request.backend, request.model?.name),
    status: 'partial',
    createdAt: now,
    updatedAt: now,
    device: request.backend.identity,
    batch: request.batch ?? 1,
    budgetSeconds,
    profilingSeconds: 0,
    model:
      request.model === undefined
        ? null
        : {
            name: request.model.name,
            fingerprint: modelFingerprint(request.model.model),
            ...((request.model.headroom ?? 1) > 1 ? { headroom: request.model.headroom } : {}),
          },
    roofline: null,
    ops: [],
    families: [],
    calibration: null,
    calibrationPoints: [],
    validation: { heldOutPoints: null, endToEnd: null, endToEndPoints: [] },
    done: [],
  };
}

/** Throws a ProfileError when `resume` was not started by `request` (another backend, model or batch size). */
export function checkResumable(resume: DeviceProfile, request: Pick<ProfileRequest, 'backend' | 'model' | 'batch'>): void {
  if (resume.device.backend !== request.backend.identity.backend) {
    throw new ProfileError(`cannot resume: the profile is for backend \`${resume.device.backend}\`, not \`${request.backend.identity.backend}\``);
  }
  const fingerprint = request.model === undefined ? null : modelFingerprint(request.model.model);
  if ((resume.model?.fingerprint ?? null) !== fingerprint || resume.batch !== (request.batch ?? 1)) {
    throw new ProfileError('cannot resume: the profile was started for another model or batch size');
  }
  if (request.model !== undefined && (resume.model?.headroom ?? 1) !== (request.model.headroom ?? 1)) {
    throw new ProfileError(`cannot resume: the profile was started with a headroom of ${resume.model?.headroom ?? 1}, not ${request.model.headroom ?? 1}`);
  }
}

/** Splits a point list into fitting samples and held-out samples (every fifth point but the first). */
function holdOut<T>(points: readonly T[]): { fit: T[]; held: T[] } {
  if (points.length < 8) return { fit: [...points], held: [] };
  return { fit: points.filter((_, i) => i === 0 || i % 5 !== 0), held: points.filter((_, i) => i !== 0 && i % 5 === 0) };
}

async function pilotMs(item: SweepItem, profiler: BackendProfiler, batch: number): Promise<number> {
  const probe = buildProbe(item.geometry, item.maxIn, item.maxOut, batch);
  try {
    const task = profiler.timer.task(probe.run);
    await task();
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await task();
      times.push(performance.now() - start);
    }
    return median(times);
  } finally {
    probe.dispose();
  }
}

function pointCost(ms: number, profiler: BackendProfiler): number {
  const plan = profiler.plan;
  const device = profiler.timer.deviceMs === undefined ? 0 : ms;
  return plan.rounds * plan.iterations * ms + plan.warmupRuns * ms + device + 0.5;
}

async function sweepItem(item: SweepItem, count: number, seed: number, profiler: BackendProfiler, batch: number, reference: ReferenceProbe | undefined, signal?: AbortSignal): Promise<OpProfile> {
  const points = channelPoints(item, count, seed);
  const built = points.map(([aIn, aOut]) => ({ id: `${aIn},${aOut}`, aIn, aOut, probe: buildProbe(item.geometry, aIn, aOut, batch) }));
  try {
    const block = { ...(signal === undefined ? {} : { signal }), ...(reference === undefined ? {} : { reference }) };
    const timings = await timeProbes(built.map((b) => ({ id: b.id, run: b.probe.run })), profiler.timer, profiler.plan, block);
    const samples: Sample[] = built.map((b, i) => [b.aIn, b.aOut, Math.max(timings[i]!.wallMs, 1e-6), timings[i]!.deviceMs]);
    const { fit, held } = holdOut(samples);
    return { signature: item.signature, geometry: item.geometry, maxIn: item.maxIn, maxOut: item.maxOut, layers: [...item.layers], samples: fit, heldOut: held, fit: null };
  } finally {
    for (const b of built) b.probe.dispose();
  }
}

/** Fits every swept op and the pooled family fits. */
export function fitProfile(profile: DeviceProfile): DeviceProfile {
  const ops = profile.ops.map((op) => (op.samples.length === 0 ? op : { ...op, fit: fitLatency([{ geometry: op.geometry, samples: op.samples }], profile.batch, true) }));
  const byFamily = new Map<string, OpProfile[]>();
  for (const op of ops) {
    if (op.samples.length === 0) continue;
    const key = familyKeyOf(op.geometry);
    byFamily.set(key, [...(byFamily.get(key) ?? []), op]);
  }
  const families = [...byFamily].map(([key, members]) => ({
    key,
    fit: fitLatency(members.map((m) => ({ geometry: m.geometry, samples: m.samples })), profile.batch, false),
  }));
  const held: [number, number][] = [];
  for (const op of ops) {
    if (op.fit === null) continue;
    const fn = fittedLatency(op.fit, op.geometry, profile.batch, op.maxIn, op.maxOut);
    for (const [aIn, aOut, ms] of op.heldOut) held.push([fn.value(aIn, aOut), ms]);
  }
  return { ...profile, ops, families, validation: { ...profile.validation, heldOutPoints: held.length > 0 ? errorSummary(held) : null } };
}

/** One end-to-end network of a profile run: how to build it and whether it calibrates or validates. */
export interface NetworkCase {
  readonly label: string;
  readonly model: string;
  readonly structure: Structure;
  readonly build: () => Promise<tfl.LayersModel>;
  readonly role: 'calibration' | 'validation';
  /** A calibration net's width multiplier. */
  readonly width?: number;
}

/** Network counts of the end-to-end phase: the full set, and the least that still calibrates and validates. */
const NETWORKS = { full: 16, least: 6 } as const;
const GENERIC_WIDTHS: readonly (readonly [number, NetworkCase['role']])[] = [
  [1, 'calibration'],
  [0.5, 'calibration'],
  [0.75, 'validation'],
  [0.35, 'validation'],
];

/**
 * The shares of its seed width each tie group of a model's width variant is drawn from, taken in turn:
 * the range bench:predict validates on, and the narrow networks that shrinking reaches (down to one
 * channel a group). Calibrated on wide variants only, the end-to-end line extrapolated badly to narrow
 * ones: on webgpu (lavapipe) it put shrunk resnet-mini networks at twice their measured latency.
 */
const VARIANT_WIDTHS: readonly (readonly [number, number])[] = [
  [0.25, 1],
  [0, 0.35],
];

/**
 * The networks of the end-to-end phase, about `count` of them: for a model, the seed and random width
 * variants, wide and narrow in turn (3 in 8 validate, at least 3, the rest calibrate); without one, the
 * calibration nets at up to four widths.
 */
function networkCases(request: ProfileRequest, count: number, seed: number): NetworkCase[] {
  const cases: NetworkCase[] = [];
  const m = request.model;
  if (m !== undefined) {
    const graph = buildGraph(m.model);
    const validationCount = Math.max(3, Math.round((count * 3) / 8));
    const calibrationCount = Math.max(3, count - validationCount);
    cases.push({ label: 'seed', model: m.name, structure: {}, build: async () => m.model, role: 'calibration' });
    for (let i = 0; i < calibrationCount + validationCount - 1; i++) {
      const [lo, hi] = VARIANT_WIDTHS[i % VARIANT_WIDTHS.length]!;
      const structure = randomStructure(graph, seed * 1000 + i, lo, hi);
      cases.push({
        label: `variant-${i}`,
        model: m.name,
        structure,
        build: () => rebuildWithStructure(m.model, structure),
        role: i < calibrationCount - 1 ? 'calibration' : 'validation',
      });
    }
    return cases;
  }
  const widths = GENERIC_WIDTHS.slice(0, Math.max(3, Math.min(GENERIC_WIDTHS.length, Math.floor(count / CALIBRATION_NETS.length))));
  for (const net of CALIBRATION_NETS) {
    for (const [w, role] of widths) cases.push({ label: `${net.name}@${w}`, model: net.name, structure: {}, width: w, build: async () => net.build(w), role });
  }
  return cases;
}

/**
 * How many networks the budget left affords at the least end-to-end timing (the warm-up runs and 5
 * rounds, with as much again for a first run's compilation), between the least and the full set.
 */
export function affordableNetworks(base: EndToEndOptions, leftMs: number, seedMs: number): number {
  const leastMs = 2 * ((base.warmupRuns ?? 10) + 5 * (base.runsPerRound ?? 3)) * seedMs;
  return Math.max(NETWORKS.least, Math.min(NETWORKS.full, Math.floor((0.9 * leftMs) / Math.max(leastMs, 1e-3))));
}

async function measureNetworks(cases: readonly NetworkCase[], profiler: BackendProfiler, batch: number, signal?: AbortSignal): Promise<{ c: NetworkCase; ms: number; graph: ReturnType<typeof buildGraph> }[]> {
  const models = await Promise.all(cases.map((c) => c.build()));
  try {
    const results = await measureEndToEndMany(models, { ...profiler.endToEnd, batch, ...(signal === undefined ? {} : { signal }) });
    return cases.map((c, i) => ({ c, ms: results[i]!.medianMs, graph: buildGraph(models[i]!) }));
  } finally {
    models.forEach((model, i) => {
      if (cases[i]?.label !== 'seed') model.dispose();
    });
  }
}

async function seedLatencyMs(request: ProfileRequest, batch: number): Promise<number> {
  const model = request.model?.model ?? CALIBRATION_NETS[0]!.build(1);
  const inputs = modelInputs(model, batch);
  try {
    for (let i = 0; i < 3; i++) await timeOneRun(model, inputs);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await timeOneRun(model, inputs));
    return median(times);
  } finally {
    tf.dispose(inputs);
    if (request.model === undefined) model.dispose();
  }
}

/**
 * The profile with its end-to-end calibration and its validation errors on networks the calibration
 * did not see (`queued`: whether the backend's kernels queue on a device, see BackendProfiler). A
 * model-specific profile calibrates on its calibration networks and validates on the others. A generic
 * profile calibrates on every network it measured and validates each validation network on the
 * calibration fitted without it: its calibration nets at their two calibration widths have channel
 * counts mostly in multiples of 4, where the models it predicts mostly have not (on four stored
 * bench:predict runs on lavapipe, 193 rather than 184 of 320 zoo width variants within ±10% together
 * with the few-workgroups fits; cpu and wasm unchanged; a model-specific profile's narrow validation
 * variants, calibrated on too, cost it 11 of 240 on three of those runs).
 */
export function withEndToEnd(profile: DeviceProfile, measured: readonly { c: NetworkCase; ms: number; graph: ReturnType<typeof buildGraph> }[], queued: boolean): DeviceProfile {
  const raw = latencyTarget({ ...profile, calibration: null });
  const inputs = measured.map((x) => ({ opMs: networkCost(x.graph, raw).layers.map((l) => l.cost), measuredMs: x.ms }));
  const calibrationOn = (keep: (i: number) => boolean): Calibration => calibrate(inputs.filter((_, i) => keep(i)), { hiddenTime: queued });
  const generic = profile.model === null;
  const calibration = calibrationOn((i) => generic || measured[i]?.c.role === 'calibration');
  const point = (x: (typeof measured)[number], c: Calibration): EndToEndPoint => ({
    label: x.c.label,
    model: x.c.model,
    structure: { ...x.c.structure },
    ...(x.c.width === undefined ? {} : { width: x.c.width }),
    predictedMs: Math.max(1e-6, networkCost(x.graph, latencyTarget({ ...profile, calibration: c })).total),
    measuredMs: x.ms,
  });
  const calibrationPoints = measured.filter((x) => x.c.role === 'calibration').map((x) => point(x, calibration));
  const endToEndPoints = measured.flatMap((x, i) =>
    x.c.role !== 'validation' ? [] : [point(x, generic ? calibrationOn((j) => j !== i) : calibration)],
  );
  return {
    ...profile,
    calibration,
    calibrationPoints,
    validation: {
      ...profile.validation,
      endToEndPoints,
      endToEnd: endToEndPoints.length > 0 ? errorSummary(endToEndPoints.map((p) => [p.predictedMs, p.measuredMs])) : null,
    },
  };
}

/**
 * End-to-end timing that fits the budget left: the backend's warm-up and rounds when they fit, else a
 * shorter warm-up and fewer rounds (never under 5), for `networks` networks of about `seedMs`.
 */
export function endToEndTiming(base: EndToEndOptions, leftMs: number, networks: number, seedMs: number): EndToEndOptions {
  const runsPerRound = base.runsPerRound ?? 3;
  const warmupRuns = base.warmupRuns ?? 10;
  const perNetwork = Math.max(0, leftMs * 0.9) / networks;
  const warmupMs = Math.min(base.warmupMs ?? 1000, perNetwork * 0.3);
  const affordable = Math.floor((perNetwork - warmupMs - warmupRuns * seedMs) / (runsPerRound * seedMs));
  const rounds = Math.max(5, Math.min(2 * (base.rounds ?? 25), affordable));
  return { ...base, warmupMs, runsPerRound, rounds };
}

/** Profiles the active backend's device. Throws CancelledError (after a checkpoint) when aborted. */
export async function runProfile(request: ProfileRequest): Promise<DeviceProfile> {
  const budgetSeconds = request.budgetSeconds ?? DEFAULT_BUDGET_SECONDS;
  const batch = request.batch ?? 1;
  const seed = request.seed ?? 1;
  const profiler = profilerFor(request.backend.name);
  const fresh = emptyProfile(request, budgetSeconds);
  if (request.resume !== undefined) checkResumable(request.resume, request);
  let profile: DeviceProfile = request.resume === undefined ? fresh : { ...request.resume, status: 'partial', budgetSeconds };
  const budget = new Budget(budgetSeconds, profile.profilingSeconds * 1000);
  const progress = (phase: ProfileProgress['phase'], detail: string): void =>
    request.onProgress?.({ phase, detail, spentMs: budget.spentMs(), budgetMs: budget.totalMs });
  const checkpoint = async (): Promise<void> => {
    profile = { ...profile, updatedAt: new Date().toISOString(), profilingSeconds: budget.spentMs() / 1000 };
    await request.onCheckpoint?.(profile);
  };
  const done = (item: string): boolean => profile.done.includes(item);
  const signal = request.signal;

  try {
    if (!done(ROOFLINE_ITEM)) {
      progress('roofline', 'compute rate, bandwidth, overhead');
      const roofline = await measureRoofline(profiler.timer, { ...profiler.plan, rounds: 2 * profiler.plan.rounds }, signal);
      profile = { ...profile, roofline, done: [...profile.done, ROOFLINE_ITEM] };
      await checkpoint();
    }

    const items = sweepItemsOf(request.model?.model, profile.model?.headroom);
    const pending = items.filter((item) => !done(sweepDoneItem(item)));
    // Sweeps resumed after the end-to-end phase top up a profile made by an earlier version: they have the budget left.
    const sweepEnd = done(END_TO_END_ITEM) ? 1 : SWEEP_END;
    const costs = new Map<string, number>();
    for (const item of pending) {
      if (signal?.aborted) throw new CancelledError();
      progress('sweep', `pilot ${item.geometry.className}`);
      costs.set(item.signature, pointCost(await pilotMs(item, profiler, batch), profiler));
    }
    const referenceMs = profile.roofline?.referenceMs;
    const reference = referenceMs === undefined ? undefined : buildReference();
    try {
      for (const [index, item] of pending.entries()) {
        if (signal?.aborted) throw new CancelledError();
        const rest = pending.slice(index);
        const weight = (i: SweepItem): number => (isTwoAxis(i.geometry) ? 3 : 1);
        const left = Math.max(0, sweepEnd * budget.totalMs - budget.spentMs());
        const perWeight = left / rest.reduce((s, i) => s + weight(i) * (costs.get(i.signature) ?? 1), 0);
        const [lo, floor, hi] = isTwoAxis(item.geometry) ? [8, 4, 120] : [4, 3, 48];
        const affordable = perWeight * weight(item);
        const count = Math.round(Math.min(hi, Math.max(affordable < lo ? floor : lo, affordable)));
        const planned = profiler.plan.rounds;
        const rounds = Math.max(Math.min(3, planned), Math.min(2 * planned, Math.floor((planned * affordable) / count)));
        progress('sweep', `${item.geometry.className} ${item.layers[0] ?? item.signature} (${count} points × ${rounds} rounds)`);
        const op = await sweepItem(
          item,
          count,
          seed + items.indexOf(item),
          { ...profiler, plan: { ...profiler.plan, rounds } },
          batch,
          reference === undefined || referenceMs === undefined ? undefined : { run: reference.run, nominalMs: referenceMs },
          signal,
        );
        profile = { ...profile, ops: [...profile.ops.filter((o) => o.signature !== op.signature), op], done: [...profile.done, sweepDoneItem(item)] };
        await checkpoint();
      }
    } finally {
      reference?.dispose();
    }

    progress('fit', 'fitting cost functions');
    profile = fitProfile(profile);

    if (!done(END_TO_END_ITEM)) {
      const seedMs = await seedLatencyMs(request, batch);
      const cases = networkCases(request, affordableNetworks(profiler.endToEnd, budget.leftMs(), seedMs), seed);
      const timing = endToEndTiming(profiler.endToEnd, budget.leftMs(), cases.length, seedMs);
      progress('end-to-end', `${cases.length} networks end to end`);
      // The round that is running at the deadline still finishes: keep a little of the budget for it.
      const deadline = performance.now() + Math.max(0, budget.leftMs() - END_TO_END_RESERVE * budget.totalMs);
      const measured = await measureNetworks(cases, { ...profiler, endToEnd: { ...timing, deadline } }, batch, signal);
      profile = withEndToEnd(profile, measured, profiler.queued);
      profile = { ...profile, done: [...profile.done, END_TO_END_ITEM] };
    }
    profile = { ...profile, status: 'complete' };
    await checkpoint();
    progress('done', profile.name);
    return profile;
  } catch (e) {
    if (e instanceof CancelledError) await checkpoint();
    throw e;
  }
}
