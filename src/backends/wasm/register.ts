/**
 * Registers the gradient kernels that tfjs-backend-wasm 4.22 lacks, gets wrong or runs too slowly to
 * train on, built from its own fast kernels.
 *
 * Training the conv nets morphlat handles (conv/BN/ReLU/ReLU6/pooling/dense, residual adds,
 * depthwise and separable convolutions, concatenation, zero padding, dropout; Adam or momentum SGD;
 * softmax cross-entropy) dispatches three kernels wasm does not have, and one (MaxPoolGrad) that it
 * computes wrongly; every other gradient is composed from forward kernels or has a correct wasm
 * kernel. Five more are replaced for speed, measured on training steps of the zoo models:
 * Conv2DBackpropInput (wasm's is a scalar loop, 7-10x slower than its forward Conv2D), AvgPoolGrad
 * (a scalar loop, 8-9x slower than morphlat's), Tile (which the BatchNorm gradient calls; wasm's copies
 * one element at a time), and Sum and Mean over leading axes (BatchNorm statistics and gradients;
 * wasm's transpose first). Five gradients are replaced by leaner
 * ones on wasm: ClipByValue's (ReLU6), ReLU's, Relu6's, FusedBatchNorm's and Mean's.
 *
 * The convolution gradients (Conv2DBackpropFilter/Input and the depthwise ones, which AvgPoolGrad
 * runs too), MaxPoolGrad and the ReLU, ReLU6 and ClipByValue gradients run morphlat's own
 * WebAssembly SIMD loops over tfjs' heap (./simd.ts) where those can run, and compositions of wasm's
 * kernels elsewhere.
 *
 * FusedBatchNorm, per-channel Add/Sub/Multiply, Identity, Cast, and Concat and SplitV along the last
 * axis are replaced only while a training step runs (`duringWasmTraining`), which also routes the
 * calls of some layers (BatchNormalization to morphlat's fused kernel, ReLU6 to one Relu6 kernel, a
 * Conv2D fed by data to a convolution without the input gradient: ./training-layers.ts):
 * inference keeps tfjs' own forward kernels, so that the latency morphlat measures on wasm is the one a
 * deployed model sees. Adam's one-kernel update (./AdamOptimizer.ts) is registered here too.
 */
import { ClipByValue, FusedBatchNorm, getGradient, Mean, getKernel, registerGradient, registerKernel, Relu, Relu6, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { adamUpdateConfig } from './AdamOptimizer.js';
import { avgPoolGradConfig } from './AvgPoolGrad.js';
import { batchNormTrainingConfig, batchNormTrainingGradConfig, batchNormTrainingGradient } from './BatchNormTraining.js';
import type { FusionModel } from './fused-activations.js';
import { restoreLayerCalls, routeLayerCalls } from './training-layers.js';
import { conv2DTrainingConfig, fusedConv2DTrainingConfig } from './PointwiseConv2D.js';
import { castTrainingConfig } from './Cast.js';
import { channelBinaryTrainingConfigs } from './ChannelBinary.js';
import { concatTrainingConfig } from './Concat.js';
import { clipByValueGradient } from './ClipByValueGradient.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.js';
import { fusedBatchNormTrainingConfig } from './FusedBatchNorm.js';
import { fusedBatchNormGradient } from './FusedBatchNormGradient.js';
import { gradientInRangeConfig, relu6Gradient, reluGradient } from './GradientInRange.js';
import { identityTrainingConfig } from './Identity.js';
import { withWasmGradient } from './gradient.js';
import type { WasmGradient } from './gradient.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';
import { meanConfig } from './Mean.js';
import { meanGradient } from './MeanGradient.js';
import { keepWasmOwn, wasmOwnConfig } from './own.js';
import { splitVTrainingConfig } from './SplitV.js';
import { sumConfig } from './Sum.js';
import { tileConfig } from './Tile.js';

/**
 * Kernels wasm lacks (and morphlat's own MorphlatGradientInRange, which the ReLU gradients below
 * call): registered unless some kernel of that name is already there.
 */
export const WASM_MISSING_KERNELS: readonly KernelConfig[] = [
  adamUpdateConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  gradientInRangeConfig,
];

/**
 * Kernels wasm has but computes wrongly (MaxPoolGrad) or slowly (the others): they replace wasm's own,
 * which is kept (Sum and Mean hand it the reductions they do not speed up).
 */
export const WASM_REPLACED_KERNELS: readonly KernelConfig[] = [
  maxPoolGradConfig,
  avgPoolGradConfig,
  conv2DBackpropInputConfig,
  tileConfig,
  sumConfig,
  meanConfig,
];

/**
 * Kernels that only make training faster: they replace wasm's own for the length of a training step
 * and no longer, so inference and latency measurements run tfjs' own.
 */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DTrainingConfig,
  fusedConv2DTrainingConfig,
  fusedBatchNormTrainingConfig,
  identityTrainingConfig,
  castTrainingConfig,
  concatTrainingConfig,
  splitVTrainingConfig,
  ...channelBinaryTrainingConfigs,
];

/**
 * Gradients replaced for speed on wasm, each made from tfjs-core's own (which it keeps for every
 * other backend and for the cases it does not speed up).
 */
const WASM_GRADIENTS: ReadonlyArray<readonly [string, WasmGradient]> = [
  [ClipByValue, clipByValueGradient],
  [Relu, reluGradient],
  [Relu6, relu6Gradient],
  [FusedBatchNorm, fusedBatchNormGradient],
  [Mean, meanGradient],
];

let gradientsRegistered = false;

function registered(config: KernelConfig): KernelConfig | undefined {
  return getKernel(config.kernelName, config.backendName) as KernelConfig | undefined;
}

/** Registers every missing or replaced wasm kernel and the faster gradients; calling it again changes nothing. */
export function registerWasmGradientKernels(): void {
  for (const config of WASM_MISSING_KERNELS) {
    if (registered(config) === undefined) {
      registerKernel(config);
    }
  }
  for (const config of WASM_REPLACED_KERNELS) {
    const current = registered(config);
    if (current?.kernelFunc === config.kernelFunc) {
      continue;
    }
    if (current !== undefined) {
      keepWasmOwn(current);
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
  }
  for (const config of WASM_TRAINING_KERNELS) {
    const current = registered(config);
    if (current !== undefined && current.kernelFunc !== config.kernelFunc) keepWasmOwn(current);
  }
  if (!gradientsRegistered) {
    for (const [kernelName, fast] of WASM_GRADIENTS) registerGradient(withWasmGradient(getGradient(kernelName), fast));
    registerGradient(batchNormTrainingGradient);
    gradientsRegistered = true;
  }
}

let trainingDepth = 0;

function swapKernel(config: KernelConfig): void {
  unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/**
 * Runs `step` (synchronous: one training step) with the training kernels in place of wasm's own, and
 * restores wasm's own afterwards, also when `step` throws. Nested calls swap once. With the `model`
 * the step trains, the BatchNormalization → ReLU pairs it allows run fused (./fused-activations.ts).
 */
export function duringWasmTraining<T>(step: () => T, model?: FusionModel): T {
  if (trainingDepth === 0) {
    for (const config of WASM_TRAINING_KERNELS) {
      if (wasmOwnConfig(config.kernelName) !== undefined) swapKernel(config);
    }
    routeLayerCalls(model);
  }
  trainingDepth++;
  try {
    return step();
  } finally {
    trainingDepth--;
    if (trainingDepth === 0) {
      restoreLayerCalls();
      for (const config of WASM_TRAINING_KERNELS) {
        const own = wasmOwnConfig(config.kernelName);
        if (own !== undefined && registered(config)?.kernelFunc === config.kernelFunc) swapKernel(own);
      }
    }
  }
}
