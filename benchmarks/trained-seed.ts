/** The benchmarks' trained seed: a model trained from scratch once, the way every architecture is retrained, and kept. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModelFile, saveModelFiles } from '../src/graph/index.js';
import { retrainFromScratch } from '../src/shrink/index.js';
import type { RetrainOptions } from '../src/shrink/index.js';
import { classificationAccuracy } from '../src/train/index.js';
import { writeJsonAtomic } from '../src/util/atomic.js';

/**
 * `build()` trained with `options` and its test accuracy, saved in `dir` (model.json, weights, accuracy.json);
 * a later call loads it from there instead of training again.
 */
export async function trainedOnce(dir: string, build: () => tfl.LayersModel | Promise<tfl.LayersModel>, options: RetrainOptions): Promise<{ model: tfl.LayersModel; accuracy: number | undefined }> {
  const file = path.join(dir, 'model.json');
  const accuracyFile = path.join(dir, 'accuracy.json');
  if (existsSync(file) && existsSync(accuracyFile)) {
    const saved = JSON.parse(readFileSync(accuracyFile, 'utf8')) as { accuracy: number | null };
    return { model: await loadModelFile(file), accuracy: saved.accuracy ?? undefined };
  }
  const model = await build();
  const result = await retrainFromScratch(model, options);
  if (result.state !== 'completed') throw new Error(`training the seed kept in ${dir} did not complete`);
  await saveModelFiles(model, dir);
  const accuracy = classificationAccuracy(result.evaluation);
  await writeJsonAtomic(accuracyFile, { accuracy: accuracy ?? null });
  return { model, accuracy };
}
