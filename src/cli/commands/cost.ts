/** `morphlat cost`: prices a model per layer under a MorphNet target (or a device profile's latency). */
import { networkCost } from '../../costs/index.js';
import { costTargetOption } from '../targets.js';
import type { CostReport } from '../../costs/index.js';
import { buildGraph } from '../../graph/index.js';
import { namingStructureFile, structureOption } from '../structure.js';
import { formatNumber, renderTable } from '../../report/table.js';
import { resolveModel } from '../../zoo/index.js';
import { useQuietBackend } from '../backend.js';
import type { CommandSpec } from '../command.js';
import { flagArg, numberArg, stringArg } from '../command.js';

/** Renders a cost report as a per-layer table with the total. */
export function renderCostReport(report: CostReport): string {
  const table = renderTable(
    [{ header: 'layer' }, { header: 'op' }, { header: 'alive in', align: 'right' }, { header: 'alive out', align: 'right' }, { header: report.unit, align: 'right' }],
    report.layers.map((l) => [l.name, l.op, String(l.aliveIn), String(l.aliveOut), formatNumber(l.cost)]),
  );
  return `${table}\n\ntotal ${report.target}: ${formatNumber(report.total)} ${report.unit}`;
}

export const costCommand: CommandSpec = {
  command: 'cost',
  describe: 'price a model per layer: FLOPs, size, memory, roofline latency',
  options: {
    model: { type: 'string', describe: 'zoo model name or model.json path', demandOption: true },
    target: { type: 'string', describe: 'flops | size | memory | roofline:<K80|P4|T4|P100|V100|TPUv2> | latency', default: 'flops' },
    profile: { type: 'string', describe: 'device profile, for --target latency' },
    structure: { type: 'string', describe: 'alive-count structure file ({ "<layer>": count })' },
    batch: { type: 'number', describe: 'batch size', default: 1 },
    json: { type: 'boolean', describe: 'print JSON', default: false },
  },
  examples: [
    ['$0 cost --model resnet-mini --target roofline:V100', 'roofline latency of resnet-mini on a V100'],
    ['$0 cost --model model.json --structure alive.json --json', 'FLOPs of a shrunk structure as JSON'],
    ['$0 cost --model resnet-mini --target latency --profile wasm.json', 'latency on a profiled device, in ms'],
  ],
  async run(args, io) {
    await useQuietBackend();
    const target = await costTargetOption(stringArg(args, 'target') ?? 'flops', stringArg(args, 'profile'), numberArg(args, 'batch') ?? 1);
    const { model } = await resolveModel(stringArg(args, 'model') ?? '');
    const structureFile = stringArg(args, 'structure');
    const structure = await structureOption(structureFile);
    const report = namingStructureFile(structureFile, () => networkCost(buildGraph(model), target, structure));
    io.out(flagArg(args, 'json') ? JSON.stringify(report, null, 2) : renderCostReport(report));
  },
};
