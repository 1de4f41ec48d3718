/**
 * Add, Sub and Multiply on wasm while training, fast for a per-channel broadcast: a float32 tensor
 * (channels last) and a vector of one value per channel ([C] or [1, …, 1, C]), in either order, as one
 * pass of morphlat's SIMD loop (./simd.ts).
 *
 * Batch normalization composed from tfjs ops (`tf.moments` and `tf.batchNorm` called directly, and
 * the training FusedBatchNorm kernel) broadcasts its statistics and their gradients this way several
 * times a step, and tfjs-backend-wasm 4.22 runs such a broadcast through a generic indexing loop, 3-4x
 * slower than the same op on two tensors of one shape. (BatchNormalization layers no longer do: they
 * run the fused kernel of ./BatchNormTraining.ts, so no zoo model's step broadcasts.) Used only while a training
 * step runs (see `duringWasmTraining`), as FusedBatchNorm's training kernel is; every other case (same
 * shapes, scalars, other dtypes, other broadcasts) goes to wasm's own kernel.
 */
import { Add, Multiply, Sub, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { requireInput } from './compose.js';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';
import { wasmSimdKernels } from './simd.js';
import type { ChannelOpName } from './simd.js';

/** True when `v` holds one value per channel of `full`, broadcast over every other axis: [C] or [1, …, 1, C]. */
function perChannelOf(v: TensorInfo, full: TensorInfo): boolean {
  const channels = full.shape[full.shape.length - 1];
  const { shape } = v;
  return (
    channels !== undefined &&
    shape.length >= 1 &&
    shape.length <= full.shape.length &&
    shape[shape.length - 1] === channels &&
    shape.slice(0, -1).every((d) => d === 1) &&
    util.sizeFromShape(full.shape) > channels
  );
}

/** The kernel of `kernelName` for a per-channel broadcast: `op` with the full tensor first, `flipped` with the vector first. */
function channelBinary(kernelName: string, op: ChannelOpName, flipped: ChannelOpName): KernelFunc {
  return (args): TensorInfo | TensorInfo[] => {
    const { inputs, backend } = args;
    const a = requireInput(kernelName, inputs, 'a');
    const b = requireInput(kernelName, inputs, 'b');
    // Shapes first: most calls in a step are not broadcasts and go straight to wasm's own kernel.
    const broadcast = a.dtype !== 'float32' || b.dtype !== 'float32' ? undefined : perChannelOf(b, a) ? 'b' : perChannelOf(a, b) ? 'a' : undefined;
    const simd = broadcast === undefined ? undefined : wasmSimdKernels(backend);
    const out = simd === undefined ? undefined : broadcast === 'b' ? simd.channelOp(op, a, b) : simd.channelOp(flipped, b, a);
    return out ?? wasmOwnKernel(kernelName)(args);
  };
}

function trainingConfig(kernelName: string, op: ChannelOpName, flipped: ChannelOpName): KernelConfig {
  return withWasmOwnFallback(kernelName, channelBinary(kernelName, op, flipped));
}

/** Add, Sub and Multiply for the 'wasm' backend while training: per-channel broadcasts here, the rest by wasm's own. */
export const channelBinaryTrainingConfigs: readonly KernelConfig[] = [
  trainingConfig(Add, 'add', 'add'),
  trainingConfig(Sub, 'sub', 'subFrom'),
  trainingConfig(Multiply, 'mul', 'mul'),
];
