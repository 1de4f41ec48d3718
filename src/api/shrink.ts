/**
 * `shrink`: the library's MorphNet run on the user's model and data: the model from a path or an object, the
 * data from files (as `--data` reads them), a tf.data.Dataset, an async iterable or an in-memory source, the
 * cost target from its name and a device profile. It writes what `morphlat shrink` writes and returns the
 * report (report.json's content).
 */
import { runShrink } from '../shrink/index.js';
import type { ShrinkReport } from '../shrink/types.js';
import { dataOf, modelOf, targetOf, useBackend } from './inputs.js';
import type { ShrinkOptions } from './types.js';

/** Shrinks `options.model` for the target on `options.data`; throws CancelledError (progress kept) when aborted. */
export async function shrink(options: ShrinkOptions): Promise<ShrinkReport> {
  const target = await targetOf(options.target, options.profile);
  await useBackend(options.backend, 'wasm');
  const model = await modelOf(options.model);
  options.onPhase?.('reading data');
  const data = await dataOf(options.data, model, options.loss, options.signal);
  const test = options.validation === undefined ? data.heldOut : (await dataOf(options.validation, model, options.loss, options.signal)).train;
  const scored = options.candidateData === undefined ? data.validation : (await dataOf(options.candidateData, model, options.loss, options.signal)).train;
  const pass = <K extends keyof ShrinkOptions>(...keys: K[]): Partial<Pick<ShrinkOptions, K>> =>
    Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]])) as Partial<Pick<ShrinkOptions, K>>;
  return runShrink({
    model,
    target,
    train: data.train,
    ...(test === undefined ? {} : { test }),
    ...(scored === undefined ? {} : { validation: scored }),
    goal: options.goal ?? { kind: 'ratio', ratio: 0.5 },
    outDir: options.outDir,
    ...pass('steps', 'epochs', 'batchSize', 'loss', 'optimizer', 'learningRate', 'threshold', 'removalCost', 'minWidthRatio', 'checkEvery', 'snap', 'withinSeed', 'fill', 'retrainEpochs', 'candidates', 'candidateEpochs', 'candidateTrainings', 'seed', 'resume', 'signal', 'onProgress', 'onPhase'),
  });
}
