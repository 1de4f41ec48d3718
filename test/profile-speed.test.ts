/**
 * The device's speed against a profile's: which of a profile's calibration networks can be rebuilt here
 * (calibration nets by name and width, a model-specific profile's width variants from the zoo or from the
 * very model file), the median ratio of their latency now to then, and a real measurement beside a model.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../src/backends/index.js';
import { readProfile } from '../src/profile/io.js';
import type { DeviceProfile } from '../src/profile/schema.js';
import { zooEntry } from '../src/zoo/index.js';
import { CALIBRATION_NETS } from '../profilers/calibration-nets.js';
import { deviceSpeed, measureBesideReferences, speedReferences } from '../profilers/speed.js';
import type { SpeedReference } from '../profilers/speed.js';
import { modelFingerprint } from '../profilers/run.js';
import { ROOT } from './helpers/cli.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

let resnetProfile: DeviceProfile;

beforeAll(async () => {
  await initBackend('cpu');
  resnetProfile = await readProfile(`${ROOT}/device-profiles/amd-epyc-2c-wasm-resnet-mini.json`);
});

const filtersOf = (model: tfl.LayersModel, layer: string): number => (model.getLayer(layer).getConfig() as { filters: number }).filters;

function reference(profiledMs: number): SpeedReference {
  return { label: `r${profiledMs}`, profiledMs, build: async () => tinyResidualModel({ size: 8, width: 4 }) };
}

describe('speedReferences', () => {
  test('a zoo model\'s profile rebuilds its calibration variants at their recorded widths, the seed first', async () => {
    const references = speedReferences(resnetProfile, undefined, 3);
    const points = resnetProfile.calibrationPoints.slice(0, 3);
    expect(references.map((r) => r.label)).toEqual(points.map((p) => p.label));
    expect(references.map((r) => r.profiledMs)).toEqual(points.map((p) => p.measuredMs));
    const variant = points[1]!;
    const built = await references[1]!.build();
    expect(Object.keys(variant.structure).length).toBeGreaterThan(5);
    for (const [layer, count] of Object.entries(variant.structure)) expect(filtersOf(built, layer)).toBe(count);
    built.dispose();
    expect(speedReferences(resnetProfile, undefined, Number.POSITIVE_INFINITY)).toHaveLength(resnetProfile.calibrationPoints.length);
  });

  test('a generic profile rebuilds its calibration nets at the recorded width, and none without one', async () => {
    const net = CALIBRATION_NETS[0]!;
    const point = { label: `${net.name}@0.5`, model: net.name, structure: {}, predictedMs: 1, measuredMs: 2 };
    const generic: DeviceProfile = { ...resnetProfile, model: null, calibrationPoints: [{ ...point, width: 0.5 }, point] };
    const references = speedReferences(generic);
    expect(references).toHaveLength(1);
    const built = await references[0]!.build();
    expect(built.countParams()).toBe(net.build(0.5).countParams());
    expect(built.countParams()).toBeLessThan(net.build(1).countParams());
    built.dispose();
  });

  test('a model file\'s profile rebuilds only from that very model', () => {
    const model = tinyResidualModel({ size: 16, width: 32 });
    const other = tinyResidualModel({ size: 16, width: 24 });
    const own: DeviceProfile = { ...resnetProfile, model: { name: 'tiny', fingerprint: modelFingerprint(model) }, calibrationPoints: resnetProfile.calibrationPoints.map((p) => ({ ...p, model: 'tiny', structure: {} })) };
    expect(speedReferences(own, model, 2)).toHaveLength(2);
    expect(speedReferences(own, other, 2)).toHaveLength(0);
    expect(speedReferences(own, undefined, 2)).toHaveLength(0);
    const changedZoo: DeviceProfile = { ...resnetProfile, model: { name: 'resnet-mini', fingerprint: 'not-the-zoo-one' } };
    expect(speedReferences(changedZoo, zooEntry('resnet-mini').build())).toHaveLength(0);
  });
});

describe('deviceSpeed', () => {
  test('is the median ratio of now to when profiled, with its range', () => {
    const speed = deviceSpeed([reference(2), reference(4), reference(10)], [3, 4, 8]);
    expect(speed).toEqual({ ratio: 1, min: 0.8, max: 1.5, networks: 3 });
    expect(deviceSpeed([], [])).toBeNull();
    expect(deviceSpeed([reference(2)], [])).toBeNull();
  });

  test('measured beside a model: one latency per model, the speed from the references', async () => {
    await initBackend('wasm');
    const model = tinyResidualModel({ size: 8, width: 8 });
    const { latencies, speed } = await measureBesideReferences([model], [reference(1e-3), reference(1e3)], { warmupMs: 10, warmupRuns: 2, rounds: 3, runsPerRound: 1 });
    expect(latencies).toHaveLength(1);
    expect(latencies[0]!.medianMs).toBeGreaterThan(0);
    expect(speed!.networks).toBe(2);
    expect(speed!.max).toBeGreaterThan(1);
    expect(speed!.min).toBeLessThan(1);
    model.dispose();
  });
});
