/**
 * A compare run: one architecture per device (shrunk for that device's measured latency, or given),
 * then the cross matrix — every architecture predicted on every device from its profile, and measured
 * on the devices whose backend runs here — and how much each device gains from its own architecture.
 */
import { initBackend } from '../backends/init.js';
import { UsageError } from '../errors.js';
import { fullStructure } from '../graph/alive.js';
import { buildGraph } from '../graph/build.js';
import { DEFAULT_GOAL, makeArchitectures } from './architectures.js';
import { architectureGraph, ownMargin, predictedLatency } from './matrix.js';
import type { PricedArchitecture } from './matrix.js';
import { measureRows, resolvedMeasureSettings } from './measure.js';
import type { CompareArchitecture, CompareDevice, CompareRequest, CompareResult } from './types.js';
import { COMPARE_SCHEMA } from './types.js';

function checkDevices(request: CompareRequest): void {
  if (request.devices.length < 2) throw new UsageError(`compare needs at least two device profiles, got ${request.devices.length}`);
  const seen = new Map<string, string>();
  for (const d of request.devices) {
    const where = d.file ?? d.profile.name;
    const earlier = seen.get(d.profile.name);
    if (earlier !== undefined) throw new UsageError(`${earlier} and ${where} are both named \`${d.profile.name}\`; compare needs one profile per device`);
    seen.set(d.profile.name, where);
  }
  if ((request.retrainEpochs ?? 0) < 0 || !Number.isInteger(request.retrainEpochs ?? 0)) {
    throw new UsageError(`\`retrainEpochs\` must be an integer ≥ 0, got ${request.retrainEpochs}`);
  }
}

/** Shrinks the model for each device (or takes the given structures) and fills the cross-device matrix. */
export async function compareArchitectures(request: CompareRequest): Promise<CompareResult> {
  checkDevices(request);
  const trainBackend = request.trainBackend ?? 'wasm';
  const needsTraining = request.devices.some((d) => d.structure === undefined) || (request.retrainEpochs ?? 0) > 0;
  if (needsTraining) await initBackend(trainBackend);
  const made = await makeArchitectures(request);

  const seedGraph = buildGraph(request.model);
  const priced: PricedArchitecture[] = [];
  for (const a of made) priced.push(await architectureGraph(request.model, a.structure));
  const profiles = request.devices.map((d) => d.profile);
  const cells = profiles.map((p) => priced.map((a) => predictedLatency(p, a.graph)));
  const predictedMs = cells.map((row) => row.map((c) => c.total));

  const settings = request.measure === false ? null : resolvedMeasureSettings(request.measure);
  const rows =
    settings === null
      ? profiles.map(() => ({ state: 'not-here' as const, reason: 'measuring was turned off' }))
      : await measureRows(request.model, profiles, made.map((a) => a.structure), settings, {
          ...(request.signal === undefined ? {} : { signal: request.signal }),
          ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
        });
  const measuredMs = rows.map((r) => (r.state === 'measured' ? [...r.ms] : made.map(() => null)));

  const devices: CompareDevice[] = request.devices.map((d, i) => {
    const row = rows[i]!;
    const seed = predictedLatency(d.profile, seedGraph);
    const gpu = d.profile.device.gpu?.description || d.profile.device.gpu?.device;
    return {
      name: d.profile.name,
      backend: d.profile.device.backend,
      ...(d.file === undefined ? {} : { profile: d.file }),
      cpu: `${d.profile.device.cpuModel} (${d.profile.device.cpuCores} cores)`,
      ...(gpu ? { gpu } : {}),
      batch: d.profile.batch,
      measuredHere: row.state === 'measured',
      ...(row.state === 'not-here' ? { notMeasuredBecause: row.reason } : {}),
      seedPredictedMs: seed.total,
      seedMeasuredMs: row.state === 'measured' ? row.seedMs : null,
      seedPredictedByKindMs: seed.byKind,
    };
  });
  const architectures: CompareArchitecture[] = made.map((a, j) => ({
    device: a.device,
    source: a.source,
    structure: a.structure,
    ...(a.accuracy === undefined ? {} : { accuracy: a.accuracy }),
    ...(a.targetMs === undefined ? {} : { targetMs: a.targetMs }),
    ...(a.multiplier === undefined ? {} : { multiplier: a.multiplier }),
    parameters: priced[j]!.parameters,
    flops: priced[j]!.flops,
    removed: priced[j]!.removed,
    dir: a.dir,
  }));
  const seedCosts = await architectureGraph(request.model, {});
  return {
    schema: COMPARE_SCHEMA,
    createdAt: new Date().toISOString(),
    model: { name: request.modelName, parameters: seedCosts.parameters, flops: seedCosts.flops, structure: fullStructure(seedGraph) },
    devices,
    architectures,
    predictedMs,
    measuredMs,
    predictedByKindMs: cells.map((row) => row.map((c) => c.byKind)),
    margins: devices.map((d, i) => ({ device: d.name, predicted: ownMargin(predictedMs[i]!, i) ?? Number.NaN, measured: ownMargin(measuredMs[i]!, i) })),
    settings: {
      shrink: request.devices.some((d) => d.structure === undefined) ? { ...request.shrink, goal: request.shrink?.goal ?? DEFAULT_GOAL } : null,
      retrainEpochs: request.retrainEpochs ?? 0,
      matchFlops: request.matchFlops === true,
      trainBackend,
      measure: settings,
    },
  };
}
