/**
 * The tfjs-layers model format on disk: model.json (topology + weights manifest) and its binary weight
 * files. Read with clear errors naming the file and what is wrong; written atomically.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelFileError, MorphlatError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';

const BYTES_PER_DTYPE: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

function describe(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] ?? String(e) : String(e);
}

async function readModelJson(file: string): Promise<tf.io.ModelJSON> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${describe(e)})`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(file, `not valid JSON (${describe(e)}); the file may be truncated`, { cause: e });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelFileError(file, 'not a JSON object');
  const obj = json as Record<string, unknown>;
  if (typeof obj['modelTopology'] !== 'object' || obj['modelTopology'] === null) {
    throw new ModelFileError(file, 'has no `modelTopology`: not a tfjs-layers model.json');
  }
  if (obj['weightsManifest'] !== undefined && !Array.isArray(obj['weightsManifest'])) {
    throw new ModelFileError(file, '`weightsManifest` must be an array');
  }
  return obj as unknown as tf.io.ModelJSON;
}

async function readWeights(file: string, json: tf.io.ModelJSON): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  const dir = path.dirname(file);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const [g, group] of (json.weightsManifest ?? []).entries()) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFileError(file, `weightsManifest[${g}] needs \`paths\` and \`weights\` arrays`);
    }
    const parts: Buffer[] = [];
    for (const p of group.paths) {
      const weightsFile = path.resolve(dir, p);
      try {
        parts.push(await fs.readFile(weightsFile));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ModelFileError(weightsFile, code === 'ENOENT' ? `weights file named in ${file} is missing` : `cannot read (${describe(e)})`, {
          cause: e,
        });
      }
    }
    const groupData = Buffer.concat(parts);
    let expected = 0;
    for (const w of group.weights) {
      const size = BYTES_PER_DTYPE[w.dtype];
      if (size === undefined || !Array.isArray(w.shape)) throw new ModelFileError(file, `weight \`${w.name}\` has a bad dtype or shape`);
      if (w.quantization !== undefined) throw new ModelFileError(file, `weight \`${w.name}\` is quantized, which morphlat does not read`);
      expected += size * w.shape.reduce((a, b) => a * b, 1);
    }
    if (groupData.byteLength < expected) {
      throw new ModelFileError(
        path.resolve(dir, group.paths[0] ?? ''),
        `truncated: the manifest needs ${expected} bytes but the weights hold ${groupData.byteLength}`,
      );
    }
    specs.push(...group.weights);
    buffers.push(groupData.subarray(0, expected));
  }
  const all = Buffer.concat(buffers);
  return { specs, data: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}

/** A tfjs IOHandler reading a model.json and its weight files from disk. */
export function fileModelReader(file: string): tf.io.IOHandler {
  return {
    async load() {
      const json = await readModelJson(file);
      const { specs, data } = await readWeights(file, json);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        trainingConfig: json.trainingConfig,
        weightSpecs: specs,
        weightData: data,
      };
    },
  };
}

/**
 * Loads a tfjs-layers model from a model.json path. Any problem with the files or the topology raises
 * ModelFileError naming the file.
 */
export async function loadModelFile(file: string): Promise<tfl.LayersModel> {
  try {
    return await tfl.loadLayersModel(fileModelReader(file), { strict: true });
  } catch (e) {
    if (e instanceof MorphlatError) throw e;
    throw new ModelFileError(file, `not a loadable tfjs-layers model (${describe(e)})`, { cause: e });
  }
}

/** A tfjs IOHandler writing model.json and weights.bin into `dir`, each atomically. */
export function fileModelWriter(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts) {
      await fs.mkdir(dir, { recursive: true });
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.concatenateArrayBuffers(
        Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
      );
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(path.join(dir, 'weights.bin'), Buffer.from(weightData));
      await writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** Saves a model as `dir/model.json` + `dir/weights.bin` in the standard layers-model format. */
export async function saveModelFiles(model: tfl.LayersModel, dir: string): Promise<void> {
  try {
    await model.save(fileModelWriter(dir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    const problem = code === 'EEXIST' || code === 'ENOTDIR' ? 'is a file, not a folder' : `cannot write (${describe(e)})`;
    throw new ModelFileError(dir, problem, { cause: e });
  }
}
