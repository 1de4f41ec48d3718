/**
 * Kernels for training only. A backend may run a training step with faster kernels than tfjs' own
 * forward ones (wasm's FusedBatchNorm); they are in place only while the step runs, so that every
 * inference and latency measurement runs the kernels a deployed model runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { duringWasmTraining } from './wasm/register.js';

/** Runs one synchronous training step with the active backend's training kernels in place. */
export function duringTrainingStep<T>(step: () => T): T {
  return tf.getBackend() === 'wasm' ? duringWasmTraining(step) : step();
}
