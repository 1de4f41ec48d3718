/**
 * Tile on wasm, by block copies in wasm memory.
 *
 * tfjs-backend-wasm 4.22's Tile computes every output element's source index one at a time, about
 * 50 ns an element: tiling a [1, 1, 1, C] vector to a [32, 28, 28, C] batch (which tfjs-core's
 * BatchNorm gradient does once per BatchNormalization layer and step) took longer than the layer's
 * forward convolution. This kernel writes each innermost row once and then doubles runs of finished
 * output with `copyWithin`, at memory speed.
 *
 * Works for every dtype wasm stores (float32, int32, bool); the result is exact.
 */
import { Tile, util } from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';
import { requireInput } from './compose.js';

type HeapArray = Float32Array | Int32Array | Uint8Array;

/** The part of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): HeapArray;
}

/** Fills out[outStart …] with x[xStart …] tiled over dimensions `dim` and beyond. */
function fill(
  out: HeapArray,
  outStart: number,
  x: HeapArray,
  xStart: number,
  dim: number,
  shape: readonly number[],
  reps: readonly number[],
  xStrides: readonly number[],
  outStrides: readonly number[],
): void {
  const extent = shape[dim] as number;
  const last = dim === shape.length - 1;
  if (last) {
    out.set(x.subarray(xStart, xStart + extent), outStart);
  } else {
    const xStride = xStrides[dim] as number;
    const outStride = outStrides[dim] as number;
    for (let i = 0; i < extent; i++) {
      fill(out, outStart + i * outStride, x, xStart + i * xStride, dim + 1, shape, reps, xStrides, outStrides);
    }
  }
  const block = extent * (last ? 1 : (outStrides[dim] as number));
  const total = block * (reps[dim] as number);
  for (let done = block; done < total; done *= 2) {
    out.copyWithin(outStart + done, outStart, outStart + Math.min(done, total - done));
  }
}

const tile: KernelFunc = ({ inputs, backend, attrs }): TensorInfo => {
  const { reps } = attrs as unknown as TileAttrs;
  const x = requireInput(Tile, inputs, 'x');
  if (reps.length !== x.shape.length || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new KernelError(`${Tile}: reps [${reps.join(', ')}] must be ${x.shape.length} non-negative integers`);
  }
  if (x.dtype === 'string' || x.dtype === 'complex64') {
    throw new KernelError(`${Tile}: dtype ${x.dtype} is not supported on wasm`);
  }
  const heap = backend as unknown as WasmHeap;
  const shape = x.shape.map((d, i) => d * (reps[i] as number));
  const out = heap.makeOutput(shape, x.dtype);
  if (util.sizeFromShape(shape) === 0) {
    return out;
  }
  if (x.shape.length === 0) {
    heap.typedArrayFromHeap(out).set(heap.typedArrayFromHeap(x));
    return out;
  }
  // Views are taken after makeOutput, which may grow (and so move) wasm memory.
  const xValues = heap.typedArrayFromHeap(x);
  const outValues = heap.typedArrayFromHeap(out);
  const xStrides = [...util.computeStrides(x.shape), 1];
  const outStrides = [...util.computeStrides(shape), 1];
  fill(outValues, 0, xValues, 0, 0, x.shape, reps, xStrides, outStrides);
  return out;
};

/** Tile for the 'wasm' backend (float32, int32 and bool tensors of any rank). */
export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: tile,
};
