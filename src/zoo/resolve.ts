/** A model as named on the command line or passed to the API: a zoo name, a model.json path, or a model. */
import * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { loadModelFile } from '../graph/model-file.js';
import { ZOO, zooEntry } from './registry.js';

/** Where a model came from: `zoo:<name>` or the model.json path. */
export interface ResolvedModel {
  readonly model: tfl.LayersModel;
  readonly source: string;
}

/** A short name for a model spec: the zoo name, or the folder of a model.json (else the file's name). */
export function modelName(spec: string): string {
  const parts = spec.split(/[\\/]/).filter((p) => p !== '');
  const file = parts[parts.length - 1] ?? spec;
  if (file === 'model.json' && parts.length > 1) return parts[parts.length - 2] ?? 'model';
  return file.replace(/\.json$/, '');
}

/** Builds a zoo model by name, or loads a model.json (a spec ending in .json or containing a path separator). */
export async function resolveModel(spec: string | tfl.LayersModel, seed?: number): Promise<ResolvedModel> {
  if (typeof spec !== 'string') return { model: spec, source: `memory:${spec.name}` };
  if (spec.endsWith('.json') || spec.includes('/') || spec.includes('\\')) {
    return { model: await loadModelFile(spec), source: spec };
  }
  if (!ZOO.some((m) => m.name === spec)) {
    throw new UsageError(`\`${spec}\` is neither a zoo model (${ZOO.map((m) => m.name).join(', ')}) nor a model.json path`);
  }
  return { model: zooEntry(spec).build(seed === undefined ? {} : { seed }), source: `zoo:${spec}` };
}
