/**
 * Whether labelled images fit a classifier: one input whose per-example shape is the images' shape, and one
 * output with one unit per class. Checked before any step so a mismatch is a DataError, not a tfjs shape error.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataError, UsageError } from '../errors.js';
import type { BatchSource } from './data/dataset.js';

/** Throws UsageError for a model with several inputs or outputs, DataError when the data's shapes do not fit. */
export function checkDataFitsModel(model: tfl.LayersModel, data: BatchSource, what: string): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UsageError(
      `${what} needs a model with one input and one output, ` +
        `this one has ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  const input = model.inputs[0]?.shape.slice(1) ?? [];
  const fits = input.length === data.imageShape.length && input.every((d, i) => d === null || d === data.imageShape[i]);
  if (!fits) {
    const shown = input.map((d) => (d === null ? '?' : String(d))).join('x');
    throw new DataError(`${what}: the model takes ${shown} inputs but the images are ${data.imageShape.join('x')}`);
  }
  const units = model.outputs[0]?.shape.at(-1);
  if (units !== null && units !== undefined && units !== data.numClasses) {
    throw new DataError(`${what}: the model has ${units} outputs but the labels have ${data.numClasses} classes`);
  }
}
