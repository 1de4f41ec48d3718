/** `morphlat models`: lists the zoo with parameters and FLOPs; `models export NAME` writes one to disk. */
import { flopsTarget, networkCost } from '../../costs/index.js';
import { buildGraph, saveModelFiles } from '../../graph/index.js';
import { formatNumber, renderTable } from '../../report/table.js';
import { ZOO, zooEntry } from '../../zoo/index.js';
import { useQuietBackend } from '../backend.js';
import type { CommandSpec } from '../command.js';
import { numberArg, stringArg } from '../command.js';

const exportCommand: CommandSpec = {
  command: 'export <name>',
  describe: 'write a zoo model as model.json + weights.bin',
  positionals: { name: { type: 'string', describe: `zoo model name (${ZOO.map((m) => m.name).join(', ')})` } },
  options: {
    out: { type: 'string', describe: 'output folder', demandOption: true },
    seed: { type: 'number', describe: 'initializer seed', default: 1 },
  },
  async run(args, io) {
    await useQuietBackend();
    const name = stringArg(args, 'name') ?? '';
    const out = stringArg(args, 'out') ?? '';
    const model = zooEntry(name).build({ seed: numberArg(args, 'seed') ?? 1 });
    await saveModelFiles(model, out);
    io.out(`wrote ${out}/model.json and ${out}/weights.bin (${name}, ${formatNumber(model.countParams())} parameters)`);
  },
};

export const modelsCommand: CommandSpec = {
  command: 'models',
  describe: 'list the built-in zoo models (models export NAME --out DIR writes one)',
  options: { json: { type: 'boolean', describe: 'print JSON', default: false } },
  subcommands: [exportCommand],
  async run(args, io) {
    await useQuietBackend();
    const rows = ZOO.map((entry) => {
      const model = entry.build();
      const flops = networkCost(buildGraph(model), flopsTarget()).total;
      const params = model.countParams();
      model.dispose();
      return { name: entry.name, parameters: params, flops, description: entry.description };
    });
    if (args['json'] === true) {
      io.out(JSON.stringify(rows, null, 2));
      return;
    }
    io.out(
      renderTable(
        [{ header: 'model' }, { header: 'parameters', align: 'right' }, { header: 'FLOPs (batch 1)', align: 'right' }, { header: 'description' }],
        rows.map((r) => [r.name, formatNumber(r.parameters), formatNumber(r.flops), r.description]),
      ),
    );
  },
};
