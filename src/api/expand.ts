/**
 * `expand`: MorphNet's expansion step in the library flow: one width multiplier over a learned structure, by
 * bisection, so the cost meets a goal (the seed's cost, a share of it, a latency, or a cost); with `outDir`,
 * writes structure.json and the expanded model.json as `morphlat expand` does.
 */
import path from 'node:path';
import { layersPastSweep } from '../costs/swept.js';
import { networkCost } from '../costs/network.js';
import type { CostTarget } from '../costs/types.js';
import { UsageError } from '../errors.js';
import { buildGraph } from '../graph/build.js';
import { saveModelFiles } from '../graph/model-file.js';
import { writeStructureFile } from '../graph/structure-file.js';
import { expandStructure } from '../morph/structure/expand.js';
import { buildShrunkModel } from '../morph/structure/rebuild.js';
import { modelOf, namingStructure, structureOf, targetOf, useBackend } from './inputs.js';
import type { ExpandOptions, Expanded, ExpansionGoal } from './types.js';

/** The goal's cost in the target's unit. */
function goalCost(to: ExpansionGoal, seedCost: number, target: CostTarget): number {
  if (to === 'seed') return seedCost;
  if ('ratio' in to) {
    if (!(to.ratio > 0)) throw new UsageError(`\`to.ratio\` must be > 0, got ${to.ratio}`);
    return to.ratio * seedCost;
  }
  if ('ms' in to) {
    if (target.unit !== 'ms') throw new UsageError(`\`to.ms\` is a latency, but the target is in ${target.unit}`);
    return to.ms;
  }
  return to.cost;
}

/** Expands `options.structure` to the goal; throws UsageError when no multiplier reaches it. */
export async function expand(options: ExpandOptions): Promise<Expanded> {
  const target = await targetOf(options.target, options.profile);
  await useBackend(undefined, 'cpu');
  const model = await modelOf(options.model);
  const structure = await structureOf(options.structure);
  if (structure === undefined) throw new UsageError('`structure` is required');
  const graph = buildGraph(model);
  const seedCost = networkCost(graph, target).total;
  const goal = goalCost(options.to ?? 'seed', seedCost, target);
  const expansion = namingStructure(options.structure, () => expandStructure(graph, structure, target, goal));
  if (options.outDir !== undefined) {
    await writeStructureFile(path.join(options.outDir, 'structure.json'), expansion.structure);
    const { model: expanded } = await buildShrunkModel(model, expansion.structure);
    await saveModelFiles(expanded, options.outDir);
    expanded.dispose();
  }
  const extrapolated = layersPastSweep(graph, target, expansion.structure);
  return { target: target.name, unit: target.unit, multiplier: expansion.multiplier, structure: expansion.structure, cost: expansion.cost, goal, seedCost, extrapolated };
}
