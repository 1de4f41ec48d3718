/**
 * `morphlat predict`: a model's latency on a profiled device, per layer and in total, from the device
 * profile; `--measure` also times it here on the profile's backend and prints the error.
 */
import { measureEndToEnd } from '../../../profilers/end-to-end.js';
import { initBackend } from '../../backends/index.js';
import type { ActiveBackend } from '../../backends/types.js';
import { latencyTarget, networkCost } from '../../costs/index.js';
import { UsageError } from '../../errors.js';
import { buildGraph, rebuildWithStructure } from '../../graph/index.js';
import { namingStructureFile, structureOption } from '../structure.js';
import type { DeviceProfile } from '../../profile/schema.js';
import { readProfile } from '../../profile/io.js';
import { renderTable } from '../../report/table.js';
import { resolveModel } from '../../zoo/index.js';
import type { CommandSpec } from '../command.js';
import { flagArg, numberArg, stringArg } from '../command.js';

/** Why this machine's device is not the profile's, or undefined when it is the same. */
export function deviceMismatch(profile: DeviceProfile, here: ActiveBackend): string | undefined {
  const p = profile.device;
  const h = here.identity;
  if (p.runtime !== h.runtime) return `the profile was measured in a ${p.runtime}, this is ${h.runtime}`;
  if (p.cpuModel !== h.cpuModel || p.cpuCores !== h.cpuCores) return `the profile's CPU is ${p.cpuModel} (${p.cpuCores} cores), this machine's is ${h.cpuModel} (${h.cpuCores} cores)`;
  if ((p.gpu?.description ?? '') !== (h.gpu?.description ?? '') || (p.gpu?.device ?? '') !== (h.gpu?.device ?? '')) {
    return `the profile's GPU adapter is ${p.gpu?.description || p.gpu?.device || 'none'}, this machine's is ${h.gpu?.description || h.gpu?.device || 'none'}`;
  }
  return undefined;
}

export const predictCommand: CommandSpec = {
  command: 'predict',
  describe: 'predict a model\'s latency on a profiled device (per layer and total)',
  options: {
    profile: { type: 'string', describe: 'device profile (JSON)', demandOption: true },
    model: { type: 'string', describe: 'zoo model name or model.json path', demandOption: true },
    structure: { type: 'string', describe: 'alive-count structure file' },
    batch: { type: 'number', describe: 'batch size (default: the profile\'s)' },
    measure: { type: 'boolean', describe: 'also measure end-to-end latency here and print the error', default: false },
    force: { type: 'boolean', describe: 'measure even when this device differs from the profile\'s', default: false },
    json: { type: 'boolean', describe: 'print JSON', default: false },
  },
  async run(args, io) {
    const profile = await readProfile(stringArg(args, 'profile') ?? '');
    const measure = flagArg(args, 'measure');
    const backend = await initBackend(measure ? profile.device.backend : 'cpu');
    if (measure && !flagArg(args, 'force')) {
      const mismatch = deviceMismatch(profile, backend);
      if (mismatch !== undefined) throw new UsageError(`refusing to measure: ${mismatch}; add \`--force\` to measure anyway`);
    }
    const batch = numberArg(args, 'batch') ?? profile.batch;
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`\`--batch\` must be an integer ≥ 1, got ${batch}`);
    const { model } = await resolveModel(stringArg(args, 'model') ?? '');
    const structureFile = stringArg(args, 'structure');
    const structure = await structureOption(structureFile);
    const graph = buildGraph(model);
    const report = namingStructureFile(structureFile, () => networkCost(graph, latencyTarget(profile, { batch }), structure));
    let measuredMs: number | undefined;
    if (measure) {
      const timed = structure === undefined ? model : await rebuildWithStructure(model, structure);
      measuredMs = (await measureEndToEnd(timed, { batch })).medianMs;
    }
    const result = {
      backend: profile.device.backend,
      batch,
      predictedMs: report.total,
      ...(measuredMs === undefined ? {} : { measuredMs }),
      layers: report.layers.map((l) => ({ name: l.name, op: l.op, predictedMs: l.cost })),
    };
    if (flagArg(args, 'json')) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    io.out(renderTable([{ header: 'layer' }, { header: 'op' }, { header: 'ms', align: 'right' }], result.layers.map((l) => [l.name, l.op, l.predictedMs.toFixed(4)])));
    if (report.fixed !== 0) io.out(`\nnetwork constant: ${report.fixed.toFixed(4)} ms`);
    io.out(`predicted: ${report.total.toFixed(3)} ms on ${profile.name} (batch ${batch})`);
    if (measuredMs !== undefined) {
      io.out(`measured:  ${measuredMs.toFixed(3)} ms here; error ${(((report.total - measuredMs) / measuredMs) * 100).toFixed(1)}%`);
    }
  },
};
