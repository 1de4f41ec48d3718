/** `morphlat cost`: prices a model per layer under a MorphNet target (or a device profile's latency). */
import { flopsTarget, networkCost } from '../../costs/index.js';
import { costTargetOption } from '../targets.js';
import type { CostReport, CostTarget } from '../../costs/index.js';
import type { OpGraph, Structure } from '../../graph/index.js';
import { buildGraph } from '../../graph/index.js';
import { channelPrices } from '../../morph/index.js';
import type { ChannelPrice } from '../../morph/index.js';
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

/** One channel group's price and share of the network's cost, and (under a target other than FLOPs) its share of the FLOPs. */
export interface PricedChannels extends ChannelPrice {
  readonly flopsShare?: number;
}

/** Renders the channel prices: one row per resizable group, its channel's share against the FLOPs' where given. */
export function renderChannelPrices(prices: readonly PricedChannels[], unit: string): string {
  const againstFlops = prices.some((p) => p.flopsShare !== undefined);
  const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '–');
  return renderTable(
    [
      { header: 'channel group' },
      { header: 'alive', align: 'right' },
      { header: `one channel (${unit})`, align: 'right' },
      { header: 'share', align: 'right' },
      ...(againstFlops ? [{ header: 'FLOP share', align: 'right' as const }, { header: 'x FLOP share', align: 'right' as const }] : []),
    ],
    prices.map((p) => [
      p.owners.join(', '),
      `${p.count}/${p.width}`,
      formatNumber(p.price),
      pct(p.share),
      ...(p.flopsShare === undefined ? [] : [pct(p.flopsShare), p.flopsShare > 0 ? (p.share / p.flopsShare).toFixed(2) : '–']),
    ]),
  );
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
    channels: { type: 'boolean', describe: 'also price one channel of each channel group (against its FLOP share)', default: false },
  },
  examples: [
    ['$0 cost --model resnet-mini --target roofline:V100', 'roofline latency of resnet-mini on a V100'],
    ['$0 cost --model model.json --structure alive.json --json', 'FLOPs of a shrunk structure as JSON'],
    ['$0 cost --model resnet-mini --target latency --profile wasm.json', 'latency on a profiled device, in ms'],
    ['$0 cost --model mobilenet-mini --target latency --profile wasm.json --channels', 'what one channel of each group costs there, against FLOPs'],
  ],
  async run(args, io) {
    await useQuietBackend();
    const target = await costTargetOption(stringArg(args, 'target') ?? 'flops', stringArg(args, 'profile'), numberArg(args, 'batch') ?? 1);
    const { model } = await resolveModel(stringArg(args, 'model') ?? '');
    const structureFile = stringArg(args, 'structure');
    const structure = await structureOption(structureFile);
    const graph = buildGraph(model);
    const report = namingStructureFile(structureFile, () => networkCost(graph, target, structure));
    const channels = flagArg(args, 'channels') ? namingStructureFile(structureFile, () => pricedChannels(graph, target, structure)) : undefined;
    if (flagArg(args, 'json')) {
      io.out(JSON.stringify(channels === undefined ? report : { ...report, channels }, null, 2));
      return;
    }
    io.out(renderCostReport(report));
    if (channels !== undefined) io.out(`\n${renderChannelPrices(channels, report.unit)}`);
  },
};

/** Each group's channel price; under a target other than FLOPs, beside its share of the FLOPs. */
function pricedChannels(graph: OpGraph, target: CostTarget, structure: Structure | undefined): PricedChannels[] {
  const prices = channelPrices(graph, target, structure);
  if (target.name === 'flops') return prices;
  const flops = channelPrices(graph, flopsTarget(), structure);
  return prices.map((p, i) => ({ ...p, flopsShare: flops[i]?.share ?? 0 }));
}
