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
    'speed-networks': {
      type: 'number',
      describe: 'with --measure, also time this many of the profile\'s calibration networks to see how far the device\'s speed moved since profiling (0: none)',
      default: 3,
    },
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
    const speedNetworks = numberArg(args, 'speed-networks') ?? 3;
    if (!Number.isInteger(speedNetworks) || speedNetworks < 0) throw new UsageError(`\`--speed-networks\` must be an integer ≥ 0, got ${speedNetworks}`);
    const prediction = await predict({
      profile,
      model: stringArg(args, 'model') ?? '',
      ...(structure === undefined ? {} : { structure }),
      batch,
      measure,
      speedNetworks,
      force: true,
      backend: 'cpu',
    });
    const { measuredMs, deviceSpeed } = prediction;
    const result = {
      backend: prediction.backend,
      batch,
      predictedMs: prediction.predictedMs,
      ...(measuredMs === undefined ? {} : { measuredMs }),
      ...(deviceSpeed === undefined ? {} : { deviceSpeed }),
      layers: prediction.layers,
    };
    if (flagArg(args, 'json')) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    io.out(renderTable([{ header: 'layer' }, { header: 'op' }, { header: 'ms', align: 'right' }], result.layers.map((l) => [l.name, l.op, l.predictedMs.toFixed(4)])));
    if (prediction.networkConstantMs !== 0) io.out(`\nnetwork constant: ${prediction.networkConstantMs.toFixed(4)} ms`);
    io.out(`predicted: ${prediction.predictedMs.toFixed(3)} ms on ${prediction.profileName} (batch ${batch})`);
    if (measuredMs === undefined) return;
    const error = (predicted: number): string => `${(((predicted - measuredMs) / measuredMs) * 100).toFixed(1)}%`;
    io.out(`measured:  ${measuredMs.toFixed(3)} ms here; error ${error(prediction.predictedMs)}`);
    if (deviceSpeed !== undefined) {
      const { ratio, min, max, networks } = deviceSpeed;
      io.out(
        `speed:     the profile's ${networks} calibration network${networks === 1 ? '' : 's'} took ×${ratio.toFixed(3)} (${min.toFixed(3)}-${max.toFixed(3)}) of their latency when profiled; ` +
          `at that speed the prediction is ${deviceSpeed.predictedMs.toFixed(3)} ms, error ${error(deviceSpeed.predictedMs)}`,
      );
    } else if (speedNetworks > 0) {
      io.out('speed:     none of the profile\'s calibration networks can be built here (another model, another batch, or a profile from before they were recorded)');
    }
  },
};
