/**
 * `morphlat demo`: the main job on embedded defaults. Today: start the wasm backend, price resnet-mini
 * under MorphNet's targets and measure its end-to-end latency here; profiling and shrinking for that
 * measured latency join as they land.
 */
import { measureEndToEnd } from '../../../profilers/end-to-end.js';
import { initBackend } from '../../backends/index.js';
import { analyticTargetNamed, networkCost } from '../../costs/index.js';
import { buildGraph } from '../../graph/index.js';
import { formatNumber } from '../../report/table.js';
import { zooEntry } from '../../zoo/index.js';
import type { CommandSpec } from '../command.js';
import { stringArg } from '../command.js';

export const demoCommand: CommandSpec = {
  command: 'demo',
  describe: 'run the main job on embedded defaults (wasm backend, resnet-mini)',
  options: {
    model: { type: 'string', describe: 'zoo model', default: 'resnet-mini' },
    backend: { type: 'string', describe: 'backend to measure on', default: 'wasm' },
  },
  async run(args, io) {
    const name = stringArg(args, 'model') ?? 'resnet-mini';
    const backend = await initBackend(stringArg(args, 'backend') ?? 'wasm');
    io.out(`backend ${backend.name} on ${backend.identity.cpuModel} (${backend.identity.cpuCores} cores)`);
    const model = zooEntry(name).build();
    const graph = buildGraph(model);
    io.out(`model ${name}: ${formatNumber(model.countParams())} parameters, ${graph.ops.length} ops`);
    for (const target of ['flops', 'size', 'memory', 'roofline:V100']) {
      const report = networkCost(graph, analyticTargetNamed(target));
      io.out(`  ${target.padEnd(14)} ${formatNumber(report.total)} ${report.unit}`);
    }
    io.out(`measuring end-to-end latency on ${backend.name} (warm-up, then 5 rounds of 15)...`);
    const latency = await measureEndToEnd(model);
    io.out(`  measured       ${latency.medianMs.toFixed(3)} ms (round medians spread ${(latency.spread * 100).toFixed(1)}%)`);
    io.out('');
    io.out('Coming next: `morphlat profile` fits this device\'s latency cost functions, and `morphlat shrink`');
    io.out('trains the model with MorphNet\'s regularizer targeting that measured latency.');
  },
};
