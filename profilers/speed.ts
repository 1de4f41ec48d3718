/**
 * The device's speed now against when a profile was measured. A shared machine's speed moves by tens of
 * percent between minutes, and a profile predicts the speed it was measured at; the profile's own
 * calibration networks, timed again beside a model, say how far it has moved: the median ratio of their
 * latency now to their latency when profiled. A ratio of measurements only, so no prediction error
 * enters it.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { median } from 'simple-statistics';
import { rebuildWithStructure } from '../src/graph/rebuild.js';
import type { DeviceProfile, EndToEndPoint } from '../src/profile/schema.js';
import { isZooModel, zooEntry } from '../src/zoo/index.js';
import { CALIBRATION_NETS } from './calibration-nets.js';
import { measureEndToEndMany } from './end-to-end.js';
import type { EndToEndLatency, EndToEndOptions } from './end-to-end.js';
import { modelFingerprint } from './run.js';

/** One of a profile's calibration networks that can be built here, with its latency when profiled. */
export interface SpeedReference {
  readonly label: string;
  readonly profiledMs: number;
  build(): Promise<tfl.LayersModel>;
}

/** How far the device's speed has moved: the calibration networks' latency now over when profiled. */
export interface DeviceSpeed {
  /** Median of now / when profiled over the networks (1: as fast as when profiled; 1.2: 20% slower). */
  readonly ratio: number;
  readonly min: number;
  readonly max: number;
  readonly networks: number;
}

/** Where a model-specific profile's networks are rebuilt from: the model given, or a fresh zoo model (`owned`). */
interface PointModel {
  get(): tfl.LayersModel;
  readonly owned: boolean;
}

/** The model a model-specific profile's points were measured on, when it can be built here. */
function pointModel(profile: DeviceProfile, model: tfl.LayersModel | undefined): PointModel | undefined {
  const wanted = profile.model?.fingerprint;
  if (wanted === undefined) return undefined;
  if (model !== undefined && modelFingerprint(model) === wanted) return { get: () => model, owned: false };
  const name = profile.model?.name ?? '';
  if (!isZooModel(name)) return undefined;
  const zoo = zooEntry(name).build();
  const matches = modelFingerprint(zoo) === wanted;
  zoo.dispose();
  return matches ? { get: () => zooEntry(name).build(), owned: true } : undefined;
}

function referenceOf(profile: DeviceProfile, point: EndToEndPoint, base: PointModel | undefined): SpeedReference | undefined {
  const net = CALIBRATION_NETS.find((n) => n.name === point.model);
  if (net !== undefined && point.width !== undefined) {
    const width = point.width;
    return { label: point.label, profiledMs: point.measuredMs, build: async () => net.build(width) };
  }
  if (base === undefined || point.model !== profile.model?.name) return undefined;
  return {
    label: point.label,
    profiledMs: point.measuredMs,
    build: async () => {
      const from = base.get();
      try {
        return await rebuildWithStructure(from, point.structure);
      } finally {
        if (base.owned) from.dispose();
      }
    },
  };
}

/**
 * Up to `limit` of the profile's calibration networks that can be built here, in the profile's order
 * (the seed or the widest first). `model` is the model being predicted: a model-specific profile of a
 * model file can rebuild its networks only from that very model.
 */
export function speedReferences(profile: DeviceProfile, model?: tfl.LayersModel, limit = 3): SpeedReference[] {
  return pointNetworks(profile, profile.calibrationPoints, model)
    .filter((r): r is SpeedReference => r !== undefined)
    .slice(0, limit);
}

/**
 * Each of `points` (a profile's end-to-end networks) as a network to rebuild here, or undefined where it
 * cannot be: a model-specific profile's networks are rebuilt from `model` or its zoo model, when either
 * is the model it was measured on.
 */
export function pointNetworks(profile: DeviceProfile, points: readonly EndToEndPoint[], model?: tfl.LayersModel): (SpeedReference | undefined)[] {
  const base = pointModel(profile, model);
  return points.map((point) => referenceOf(profile, point, base));
}

/** The device's speed from the references' latency measured now (in the same order). */
export function deviceSpeed(references: readonly SpeedReference[], nowMs: readonly number[]): DeviceSpeed | null {
  const ratios = references.map((r, i) => (nowMs[i] ?? Number.NaN) / r.profiledMs).filter(Number.isFinite);
  if (ratios.length === 0) return null;
  return { ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), networks: ratios.length };
}

/**
 * Measures `models` end to end with the references taking turns beside them, so that the speed is that
 * of the very minutes the models were timed in. The references' networks are disposed of here.
 */
export async function measureBesideReferences(
  models: readonly tfl.LayersModel[],
  references: readonly SpeedReference[],
  options: EndToEndOptions = {},
): Promise<{ latencies: EndToEndLatency[]; speed: DeviceSpeed | null }> {
  const built = await Promise.all(references.map((r) => r.build()));
  try {
    const all = await measureEndToEndMany([...models, ...built], options);
    return { latencies: all.slice(0, models.length), speed: deviceSpeed(references, all.slice(models.length).map((l) => l.medianMs)) };
  } finally {
    for (const m of built) m.dispose();
  }
}
