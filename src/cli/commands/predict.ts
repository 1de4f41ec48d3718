/**
 * `morphlat predict`: a model's latency on a profiled device, per layer and in total, from the device
 * profile; `--measure` also times it here on the profile's backend and prints the error.
 */
import { predict } from '../../api/predict.js';
import { initBackend } from '../../backends/index.js';
import { deviceMismatch } from '../../backends/same-device.js';
import { UsageError } from '../../errors.js';
import { readProfile } from '../../profile/io.js';
import { renderTable } from '../../report/table.js';
import type { CommandSpec } from '../command.js';
import { flagArg, numberArg, stringArg } from '../command.js';

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
      const mismatch = deviceMismatch(profile.device, backend.identity);
      if (mismatch !== undefined) throw new UsageError(`refusing to measure: ${mismatch}; add \`--force\` to measure anyway`);
    }
    const batch = numberArg(args, 'batch') ?? profile.batch;
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`\`--batch\` must be an integer ≥ 1, got ${batch}`);
    const structure = stringArg(args, 'structure');
    const prediction = await predict({
      profile,
      model: stringArg(args, 'model') ?? '',
      ...(structure === undefined ? {} : { structure }),
      batch,
      measure,
      force: true,
      backend: 'cpu',
    });
    const { measuredMs } = prediction;
    const result = {
      backend: prediction.backend,
      batch,
      predictedMs: prediction.predictedMs,
      ...(measuredMs === undefined ? {} : { measuredMs }),
      layers: prediction.layers,
    };
    if (flagArg(args, 'json')) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    io.out(renderTable([{ header: 'layer' }, { header: 'op' }, { header: 'ms', align: 'right' }], result.layers.map((l) => [l.name, l.op, l.predictedMs.toFixed(4)])));
    if (prediction.networkConstantMs !== 0) io.out(`\nnetwork constant: ${prediction.networkConstantMs.toFixed(4)} ms`);
    io.out(`predicted: ${prediction.predictedMs.toFixed(3)} ms on ${prediction.profileName} (batch ${batch})`);
    if (measuredMs !== undefined) {
      io.out(`measured:  ${measuredMs.toFixed(3)} ms here; error ${(((prediction.predictedMs - measuredMs) / measuredMs) * 100).toFixed(1)}%`);
    }
  },
};
