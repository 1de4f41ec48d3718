/**
 * `predict`: a model's latency on a profiled device, per layer and in total, from the device profile; with
 * `measure`, also timed here on the profile's backend (refused on another device unless forced). The CLI's
 * `morphlat predict` prints what this returns.
 */
import { measureBesideReferences, speedReferences } from '../../profilers/speed.js';
import { initBackend } from '../backends/index.js';
import { deviceMismatch } from '../backends/same-device.js';
import { latencyTarget } from '../costs/latency/target.js';
import { networkCost } from '../costs/network.js';
import { UsageError } from '../errors.js';
import { buildGraph } from '../graph/build.js';
import { buildShrunkModel } from '../morph/structure/rebuild.js';
import { modelOf, namingStructure, profileOf, structureOf, useBackend } from './inputs.js';
import type { PredictOptions, Prediction } from './types.js';

/** Predicts (and with `measure`, measures) the model's latency; throws UsageError for a bad batch or another device. */
export async function predict(options: PredictOptions): Promise<Prediction> {
  const profile = await profileOf(options.profile);
  const measure = options.measure ?? false;
  if (measure) {
    const backend = await initBackend(profile.device.backend);
    const mismatch = options.force === true ? undefined : deviceMismatch(profile.device, backend.identity);
    if (mismatch !== undefined) throw new UsageError(`refusing to measure: ${mismatch}; set \`force\` to measure anyway`);
  } else {
    await useBackend(options.backend, 'cpu');
  }
  const batch = options.batch ?? profile.batch;
  if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`\`batch\` must be an integer ≥ 1, got ${batch}`);
  const model = await modelOf(options.model);
  const structure = await structureOf(options.structure);
  const report = namingStructure(options.structure, () => networkCost(buildGraph(model), latencyTarget(profile, { batch }), structure));
  let measured: Pick<Prediction, 'measuredMs' | 'deviceSpeed'> = {};
  if (measure) {
    const timed = structure === undefined ? model : (await buildShrunkModel(model, structure)).model;
    const references = batch === profile.batch ? speedReferences(profile, model, options.speedNetworks ?? 3) : [];
    const { latencies, speed } = await measureBesideReferences([timed], references, { batch, ...(options.signal === undefined ? {} : { signal: options.signal }) });
    measured = {
      measuredMs: latencies[0]?.medianMs ?? Number.NaN,
      ...(speed === null ? {} : { deviceSpeed: { ...speed, predictedMs: report.total * speed.ratio } }),
    };
    if (timed !== model) timed.dispose();
  }
  return {
    backend: profile.device.backend,
    batch,
    predictedMs: report.total,
    ...measured,
    layers: report.layers.map((l) => ({ name: l.name, op: l.op, predictedMs: l.cost })),
    networkConstantMs: report.fixed,
    profileName: profile.name,
  };
}
