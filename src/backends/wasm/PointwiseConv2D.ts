/**
 * Conv2D and FusedConv2D on wasm while training, for 1×1 filters at stride 1: by morphlat's SIMD
 * register tiles (./simd.ts), the loop the input gradient runs: XNNPACK's convolution ran 1.0-2x
 * slower on the zoo's pointwise shapes at batch 32 (32x28x28x16→48: 3.1 against 1.5 ms), with equal
 * results.
 *
 * A 1×1 convolution at stride 1 is a matrix product of the pixels by the filter, out[p, o] =
 * Σ_i x[p, i]·W[0, 0, i, o]: the input gradient of a convolution from the output's channels to the
 * input's, whose filter that loop takes as [1, 1, its output channels, its input channels], which is
 * W as tfjs keeps it ([1, 1, in, out]): no transposed copy.
 * Used only while a training step runs (see `duringWasmTraining`), so inference and every latency
 * morphlat measures keep XNNPACK's; other filters, strides, dilations, padding, NCHW, a bias or an
 * activation (FusedConv2D), other dtypes, and fewer than four output channels go to wasm's own.
 */
import { backend_util, Conv2D, FusedConv2D, util } from '@tensorflow/tfjs-core';
import type { Conv2DAttrs, FusedConv2DAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmOwnKernel, withWasmOwnFallback } from './own.js';
import { wasmSimdKernels } from './simd.js';

/** Output channels from which the tiles' vectors (along them) are used. */
const MIN_OUTPUT_CHANNELS = 4;

function ones(value: number | readonly number[] | undefined): boolean {
  return value === undefined || value === null || (typeof value === 'number' ? value === 1 : value.every((v) => v === 1));
}

/** The pointwise product of x by filter where this module computes it; undefined for wasm's own. */
function pointwise(args: Parameters<KernelFunc>[0]): TensorInfo | undefined {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as Conv2DAttrs & Partial<Pick<FusedConv2DAttrs, 'activation'>>;
  const { x, filter } = inputs as { x?: TensorInfo; filter?: TensorInfo };
  if (x === undefined || filter === undefined || inputs['bias'] !== undefined || inputs['preluActivationWeights'] !== undefined) return undefined;
  if (attrs.activation !== undefined && attrs.activation !== 'linear') return undefined;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  const [kh, kw, inChannels, outChannels] = filter.shape as [number, number, number, number];
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  if (kh !== 1 || kw !== 1 || channels !== inChannels || outChannels < MIN_OUTPUT_CHANNELS) return undefined;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || !ones(attrs.strides) || !ones(attrs.dilations)) return undefined;
  if (typeof attrs.pad !== 'string' && !(typeof attrs.pad === 'number' ? attrs.pad === 0 : attrs.pad.every((side) => side.every((p) => p === 0)))) return undefined;
  // The input gradient of a 1×1 convolution from outChannels to inChannels over [batch, height, width].
  const info = backend_util.computeConv2DInfo([batch, height, width, outChannels], [1, 1, outChannels, inChannels], 1, 1, 'valid');
  if (!util.arraysEqual(info.outShape, x.shape)) return undefined;
  return wasmSimdKernels(backend)?.convInputGradient(x, filter, info, height, width);
}

const conv2D: KernelFunc = (args) => pointwise(args) ?? wasmOwnKernel(Conv2D)(args);
const fusedConv2D: KernelFunc = (args) => pointwise(args) ?? wasmOwnKernel(FusedConv2D)(args);

/** Conv2D for the 'wasm' backend while training: 1×1 at stride 1 here, the rest by wasm's own. */
export const conv2DTrainingConfig: KernelConfig = withWasmOwnFallback(Conv2D, conv2D);

/** FusedConv2D for the 'wasm' backend while training: 1×1 at stride 1 without bias or activation here, the rest by wasm's own. */
export const fusedConv2DTrainingConfig: KernelConfig = withWasmOwnFallback(FusedConv2D, fusedConv2D);
