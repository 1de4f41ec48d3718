/**
 * A model as the profiling page receives it: the standard model.json (topology and a weights manifest
 * naming one `weights.bin`) and that binary, made in Node from the model the CLI resolved, so the page
 * times exactly the model (and weights) the user named.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A model's model.json text and its weights. */
export interface ServedModel {
  readonly json: string;
  readonly weights: Uint8Array;
}

/** Serializes a model for serving. */
export async function modelArtifacts(model: tfl.LayersModel): Promise<ServedModel> {
  let served: ServedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const weights = data === undefined ? new ArrayBuffer(0) : tf.io.concatenateArrayBuffers(Array.isArray(data) ? data : [data]);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? 'morphlat',
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      served = { json: JSON.stringify(json), weights: new Uint8Array(weights) };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (served === undefined) throw new Error('the model was not serialized');
  return served;
}
