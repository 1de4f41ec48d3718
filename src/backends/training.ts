/**
 * Kernels for training only. A backend may run a training step with faster kernels than tfjs' own
 * forward ones (wasm's fused BatchNorm and others); they are in place only while the step runs, so that
 * every inference and latency measurement runs the kernels a deployed model runs. Adam's update, too,
 * has a one-kernel form on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WasmAdamOptimizer } from './wasm/AdamOptimizer.js';
import type { FusionModel } from './wasm/fused-activations.js';
import { duringWasmTraining } from './wasm/register.js';

/**
 * Runs one synchronous training step with the active backend's training kernels in place; given the
 * `model` the step trains, wasm also fuses what that model's graph allows (BatchNorm → ReLU).
 */
export function duringTrainingStep<T>(step: () => T, model?: FusionModel): T {
  return tf.getBackend() === 'wasm' ? duringWasmTraining(step, model) : step();
}

/**
 * tfjs' Adam (β1 0.9, β2 0.999, the backend's ε, as `tf.train.adam`), updating each variable with one
 * kernel on wasm and exactly as tfjs does elsewhere.
 */
export function adamOptimizer(learningRate: number): tf.AdamOptimizer {
  return new WasmAdamOptimizer(learningRate, 0.9, 0.999);
}
