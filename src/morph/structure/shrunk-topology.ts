/**
 * The shrunk architecture of a learned structure, as a tfjs-layers topology built fresh: each
 * channel-owning layer at its alive count; a layer with no alive channels is removed with everything
 * that only it feeds, so a residual body with 0 channels leaves its Add as the identity and a
 * Concatenate tower with 0 channels drops out of the Concatenate.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { StructureError } from '../../errors.js';
import type { Structure } from '../../graph/alive.js';
import { topologyWithStructure } from '../../graph/rebuild.js';

/** One inbound connection in a functional topology: [layer name, node index, tensor index, kwargs]. */
type Inbound = [string, number, number, Record<string, unknown>];

interface LayerJson {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: Inbound[][];
}

interface FunctionalTopology {
  class_name: string;
  config: { layers: LayerJson[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
}

/** What pruning a structure removed. */
export interface PruneReport {
  /** Layers removed because no alive channel reaches them. */
  readonly removed: readonly string[];
  /** Add and Concatenate layers left with one input, replaced by that input. */
  readonly bypassed: readonly string[];
}

/**
 * The topology of the shrunk model and what was removed. Throws StructureError when a model output
 * would be cut off (a layer with 0 channels that nothing bypasses).
 */
export function shrunkTopology(model: tfl.LayersModel, structure: Structure): { topology: object; report: PruneReport } {
  const dead = new Set(Object.entries(structure).filter(([, c]) => c === 0).map(([name]) => name));
  const alive: Structure = Object.fromEntries(Object.entries(structure).filter(([, c]) => c > 0));
  const resized = topologyWithStructure(model, alive) as FunctionalTopology;
  if (dead.size === 0) return { topology: resized, report: { removed: [], bypassed: [] } };
  if (resized.class_name !== 'Functional' && resized.class_name !== 'Model') {
    throw new StructureError(`structure: layer \`${[...dead][0]}\` has 0 channels and a ${resized.class_name} model has nothing that bypasses it`);
  }
  const layers = resized.config.layers;
  const byName = new Map(layers.map((l) => [l.name, l]));
  const replacement = new Map<string, string>();
  const bypassed: string[] = [];
  const resolve = (name: string): string => {
    let n = name;
    while (replacement.has(n)) n = replacement.get(n)!;
    return n;
  };
  for (const layer of layers) {
    const inbound = layer.inbound_nodes[0] ?? [];
    const live = inbound.filter(([name]) => !dead.has(resolve(name)));
    if (dead.has(layer.name)) continue;
    if (inbound.length > 0 && live.length === 0) {
      dead.add(layer.name);
      continue;
    }
    const merging = layer.class_name === 'Add' || layer.class_name === 'Concatenate';
    if (merging && live.length === 1) {
      replacement.set(layer.name, resolve(live[0]![0]));
      bypassed.push(layer.name);
      continue;
    }
    layer.inbound_nodes = [live.map(([name, node, tensor, kwargs]) => {
      const to = resolve(name);
      const toLayer = byName.get(to);
      return [to, toLayer === undefined ? node : 0, tensor, kwargs] as Inbound;
    })];
  }
  for (const [name] of resized.config.output_layers) {
    if (dead.has(resolve(name))) throw new StructureError(`structure: output \`${name}\` would get no alive channels; some layer with 0 channels is not bypassed`);
  }
  resized.config.output_layers = resized.config.output_layers.map(([name, node, tensor]) => [resolve(name), node, tensor]);
  resized.config.layers = layers.filter((l) => !dead.has(l.name) && !replacement.has(l.name));
  return { topology: resized, report: { removed: layers.filter((l) => dead.has(l.name)).map((l) => l.name), bypassed } };
}

/** Whether a shrunk model can be built at these widths (some alive path still reaches every output). */
export function isBuildable(model: tfl.LayersModel, structure: Structure): boolean {
  try {
    shrunkTopology(model, structure);
    return true;
  } catch (e) {
    if (e instanceof StructureError) return false;
    throw e;
  }
}
