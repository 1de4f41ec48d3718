/**
 * Whether labelled examples fit a model: one input whose per-example shape is the examples' shape, and one
 * output that the objective can fit to the labels. Checked before any step so a mismatch is a DataError, not
 * a tfjs shape error.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataError, UsageError } from '../errors.js';
import type { BatchSource } from './data/source.js';
import { describeShape } from './data/source.js';
import { chooseObjective, type LossName, type Objective } from './loss.js';

/** Throws UsageError for a model with several inputs or outputs, DataError when the examples' shape does not fit. */
export function checkInputFits(model: tfl.LayersModel, data: BatchSource, what: string): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UsageError(
      `${what} needs a model with one input and one output, ` +
        `this one has ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  const input = model.inputs[0]?.shape.slice(1) ?? [];
  const shape = data.inputShape;
  const fits = input.length === shape.length && input.every((d, i) => d === null || d === shape[i]);
  if (!fits) {
    const examples = shape.length === 3 ? `the images are ${describeShape(shape)}` : `the examples are ${describeShape(shape)}`;
    throw new DataError(`${what}: the model takes ${describeShape(input)} inputs but ${examples} (${data.description})`);
  }
}

/**
 * Checks that `data` fits `model` and returns the objective to train or evaluate with: the named loss, or the
 * one that follows the model's output and the labels (see `chooseObjective`).
 */
export function objectiveFor(model: tfl.LayersModel, data: BatchSource, loss: LossName | 'auto' | undefined, what: string): Objective {
  checkInputFits(model, data, what);
  return chooseObjective(model, data.labelSpec, loss ?? 'auto', what, data.description);
}

/** Throws UsageError for a model with several inputs or outputs, DataError when the data does not fit it. */
export function checkDataFitsModel(model: tfl.LayersModel, data: BatchSource, what: string): void {
  objectiveFor(model, data, 'auto', what);
}
