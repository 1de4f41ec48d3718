/**
 * Rebuilding a model at other widths: the same topology and layer configs with each channel-owning
 * layer's filters or units set from a structure, with fresh weights from the configs' initializers.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { StructureError } from '../errors.js';
import type { Structure } from './alive.js';
import { configOf } from './build.js';

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
}

const WIDTH_FIELDS: Readonly<Record<string, string>> = { Conv2D: 'filters', SeparableConv2D: 'filters', Dense: 'units' };

/** The model topology JSON with widths replaced by the structure's counts. */
export function topologyWithStructure(model: tfl.LayersModel, structure: Structure): object {
  const topology = model.toJSON(undefined, false) as unknown as { config: { layers: LayerJson[] } };
  const copy = structuredClone(topology);
  const seen = new Set<string>();
  for (const layer of copy.config.layers) {
    const name = (layer.config['name'] as string | undefined) ?? layer.name ?? '';
    if (layer.class_name === 'SeparableConv2D') layer.config['depthMultiplier'] = configOf(model.getLayer(name))['depthMultiplier'];
    const count = structure[name];
    if (count === undefined) continue;
    const field = WIDTH_FIELDS[layer.class_name];
    if (field === undefined) throw new StructureError(`structure: layer \`${name}\` (${layer.class_name}) has no width to set`);
    if (count < 1) throw new StructureError(`structure: layer \`${name}\` has 0 channels; remove the layer before rebuilding`);
    layer.config[field] = count;
    seen.add(name);
  }
  for (const name of Object.keys(structure)) {
    if (!seen.has(name)) throw new StructureError(`structure: layer \`${name}\` is not in the model`);
  }
  return copy;
}

/** A fresh model with the widths of `structure` (fresh weights). */
export async function rebuildWithStructure(model: tfl.LayersModel, structure: Structure): Promise<tfl.LayersModel> {
  return tfl.models.modelFromJSON({ modelTopology: topologyWithStructure(model, structure) } as never);
}
