/**
 * morphlat's own WebAssembly SIMD kernels for the wasm backend: loops that XNNPACK has no kernel for,
 * compiled from ./simd-text.ts with wabt once per process (when the wasm backend is registered) and
 * instantiated over tfjs-backend-wasm's own memory, so they read their inputs and write their outputs
 * where tfjs keeps tensors, with no copy.
 *
 * Where they cannot run (a JavaScript engine without WebAssembly SIMD, or tfjs' multithreaded build,
 * whose memory is shared), `wasmSimdKernels` answers undefined and the kernels that use them fall back
 * to their compositions of wasm's own kernels.
 */
import wabt from 'wabt';
import { util } from '@tensorflow/tfjs-core';
import type { backend_util, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';
import { SIMD_MODULE_TEXT } from './simd-text.js';

interface SimdExports {
  depthwiseTaps(intoFilter: number, pixels: number, dy: number, taps: number, ...geometry: number[]): void;
  convFilterTaps(x: number, dy: number, dw: number, ...geometry: number[]): void;
  convInputTaps(dyT: number, wT: number, dx: number, ...geometry: number[]): void;
  gradientInRange(dy: number, x: number, out: number, n: number, low: number, high: number, includeLow: number): void;
  maxPoolTaps(x: number, dy: number, dx: number, taps: number, ...geometry: number[]): void;
  channelAdd(x: number, v: number, out: number, rows: number, c: number): void;
  channelSub(x: number, v: number, out: number, rows: number, c: number): void;
  channelSubFrom(x: number, v: number, out: number, rows: number, c: number): void;
  channelMul(x: number, v: number, out: number, rows: number, c: number): void;
  windowRows(src: number, dst: number, n: number, h: number, w: number, c: number, top: number, left: number, oh: number, ow: number): void;
  convInputDots(dy: number, w: number, dx: number, ...geometry: number[]): void;
  copyColumns(src: number, dst: number, rows: number, srcCols: number, dstCols: number, srcStart: number, dstStart: number, count: number): void;
  adamUpdate(value: number, m: number, v: number, g: number, newValue: number, newM: number, newV: number, n: number, ...factors: number[]): void;
  channelShiftedSums(x: number, shift: number, sum: number, sumSquares: number, rows: number, c: number): void;
  channelCentredClamp(x: number, m: number, s: number, b: number, out: number, lo: number, hi: number, rows: number, c: number): void;
  channelGradientSums(dy: number, x: number, m: number, sumDy: number, sumDyCentred: number, rows: number, c: number): void;
  channelMaskedGradientSums(dy: number, x: number, m: number, g: number, b: number, sumDy: number, sumDyCentred: number, dz: number, lo: number, hi: number, rows: number, c: number): void;
  channelCentredGradient(dy: number, x: number, a: number, m: number, s: number, b: number, out: number, rows: number, c: number): void;
}

/** What the kernels here need of tfjs-backend-wasm's BackendWasm (not part of its typings). */
interface WasmHeapBackend {
  readonly wasm?: { readonly asm?: { readonly memory?: unknown } };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number; dtype: string } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The part of the WebAssembly JavaScript API used here (this project's TypeScript libs do not declare it). */
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: abstract new (...args: never[]) => { readonly buffer: ArrayBuffer | SharedArrayBuffer };
  validate(bytes: Uint8Array): boolean;
}

const WebAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiled: Promise<object | undefined> | undefined;
let enabled = true;
let module: object | undefined;
const instances = new WeakMap<object, SimdExports>();

async function compile(): Promise<object | undefined> {
  const tools = await wabt();
  const parsed = tools.parseWat('morphlat-simd.wat', SIMD_MODULE_TEXT, { simd: true, bulk_memory: true });
  try {
    parsed.validate();
    const bytes = parsed.toBinary({}).buffer;
    return WebAssembly.validate(bytes) ? await WebAssembly.compile(bytes) : undefined;
  } finally {
    parsed.destroy();
  }
}

/**
 * Compiles the SIMD module (once; later calls wait for the first). Resolves whether this JavaScript
 * engine runs it; throws KernelError if the module's text does not compile (a defect of morphlat).
 */
export async function loadWasmSimdKernels(): Promise<boolean> {
  compiled ??= compile().catch((e: unknown) => {
    compiled = undefined;
    throw new KernelError(`morphlat's WebAssembly SIMD module does not compile: ${e instanceof Error ? e.message : String(e)}`);
  });
  module = await compiled;
  return module !== undefined;
}

function heapBackend(backend: KernelBackend | {}): WasmHeapBackend {
  return backend as unknown as WasmHeapBackend;
}

/**
 * Turns the SIMD kernels off (false) or back on (true, the default) for this process: with them off,
 * every kernel runs its composition of wasm's own kernels (to compare the two, or to rule the loops out).
 */
export function setWasmSimdEnabled(on: boolean): void {
  enabled = on;
}

/** The module's exports over `backend`'s memory; undefined when they cannot run there (see the header). */
function exportsFor(backend: WasmHeapBackend): SimdExports | undefined {
  const memory = backend.wasm?.asm?.memory;
  if (!enabled || module === undefined || !(memory instanceof WebAssembly.Memory) || !(memory.buffer instanceof ArrayBuffer)) return undefined;
  let found = instances.get(memory);
  if (found === undefined) {
    found = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdExports;
    instances.set(memory, found);
  }
  return found;
}

/** The float32 tensors' byte offsets in the wasm heap, or undefined when one is not float32. */
function offsets(backend: WasmHeapBackend, tensors: readonly TensorInfo[]): number[] | undefined {
  const found: number[] = [];
  for (const t of tensors) {
    const data = backend.dataIdMap.get(t.dataId);
    if (data === undefined || data.dtype !== 'float32' || t.dtype !== 'float32') return undefined;
    found.push(data.memoryOffset);
  }
  return found;
}

/**
 * The SIMD kernels over one backend's heap. Each returns its output, made in that heap, or undefined
 * when an input is not float32. The convolution gradients take exactly the [batch, outHeight,
 * outWidth, outChannels] dy that `info` implies (the input gradient's transposed, see there), the
 * depthwise ones one channel multiplier.
 */
export interface WasmSimdKernels {
  /**
   * dy where low < x ≤ high (low ≤ x with `includeLow`), else 0: the gradient of ReLU, ReLU6 and
   * ClipByValue; undefined when dy or x is not float32 or their sizes differ.
   */
  gradientInRange(dy: TensorInfo, x: TensorInfo, low: number, high: number, includeLow: boolean): TensorInfo | undefined;
  /**
   * The filter gradient of a 2-D convolution, [filterHeight, filterWidth, inChannels, outChannels], from
   * `xUsed`, the input padded or cropped to the rows and columns the convolution read:
   * [batch, (outHeight − 1)·strideHeight + filterHeight, (outWidth − 1)·strideWidth + filterWidth,
   * inChannels]; undefined when an input is not float32.
   */
  convFilterGradient(xUsed: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined;
  /**
   * The input gradient of a 2-D convolution, padded: [batch, paddedHeight, paddedWidth, inChannels],
   * whose rows from padInfo.top and columns from padInfo.left are the input's (the rest is what fell
   * on padding), from exactly the dy `info` implies ([batch, outHeight, outWidth, outChannels]) and the
   * filter as [filterHeight, filterWidth, outChannels, inChannels]; undefined when an input is not
   * float32. The padded size must hold every row and column the convolution read.
   */
  convInputGradient(dy: TensorInfo, filterT: TensorInfo, info: backend_util.Conv2DInfo, paddedHeight: number, paddedWidth: number): TensorInfo | undefined;
  /**
   * The input gradient of a 2-D convolution, [batch, inHeight, inWidth, inChannels], from exactly the
   * dy `info` implies and the filter as tfjs keeps it, by one dot product per pixel, tap and input
   * channel: for few input channels, where `convInputGradient`'s vectors along them would be mostly
   * empty; undefined when an input is not float32.
   */
  convInputGradientByDots(dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined;
  /** The filter gradient, [filterHeight, filterWidth, channels, 1]; undefined when an input is not float32. */
  depthwiseFilterGradient(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined;
  /** The input gradient, [batch, inHeight, inWidth, channels]; undefined when an input is not float32. */
  depthwiseInputGradient(dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined;
  /**
   * The gradient of max pooling with `info`'s geometry, [batch, inHeight, inWidth, channels], from the
   * pooled input x and exactly the [batch, outHeight, outWidth, channels] dy `info` implies; undefined
   * when an input is not float32.
   */
  maxPoolGradient(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined;
  /**
   * `op` between every row of x (channels last) and v, one value per channel of x's last axis: x + v,
   * x − v, v − x ('subFrom') or x · v, in x's shape; undefined when x or v is not float32 or v's size
   * is not x's channel count.
   */
  channelOp(op: ChannelOpName, x: TensorInfo, v: TensorInfo): TensorInfo | undefined;
  /**
   * x ([batch, ·, ·, channels]) in a [batch, height, width, channels] window: pixel (y, x) of the
   * window is x's (y − top, x − left), or 0 where that lies outside x (`window2D`'s geometry); undefined
   * when x is not float32.
   */
  window(x: TensorInfo, top: number, height: number, left: number, width: number): TensorInfo | undefined;
  /**
   * One Adam step of a variable (`value`) from its gradient and moments, in tfjs' order of operations:
   * [new value, new first moment, new second moment]; undefined when a tensor is not float32 or their
   * sizes differ.
   */
  adamUpdate(value: TensorInfo, m: TensorInfo, v: TensorInfo, g: TensorInfo, step: AdamStep): TensorInfo[] | undefined;
  /**
   * The tensors joined along their last axis (the others equal); undefined when one is not float32.
   */
  concatLast(parts: readonly TensorInfo[]): TensorInfo | undefined;
  /**
   * x cut along its last axis into parts of `sizes` (summing to its last dimension); undefined when x
   * is not float32.
   */
  splitLast(x: TensorInfo, sizes: readonly number[]): TensorInfo[] | undefined;
  /**
   * Batch normalization in training over every axis of x but the last (its channels): the batch mean
   * and (biased) variance of each channel, and y = act((x − mean)·scale/√(variance + ε) + offset)
   * (scale 1 and offset 0 where absent; act ReLU, ReLU6 or none); undefined when a tensor is not
   * float32 or a vector's size is not x's channel count.
   */
  batchNormTraining(x: TensorInfo, scale: TensorInfo | undefined, offset: TensorInfo | undefined, epsilon: number, activation: BatchNormActivation): BatchNormTrainingResult | undefined;
  /**
   * The gradient of `batchNormTraining`'s y through its activation and the batch statistics too: dx,
   * dScale and dOffset, from dy, x, and the mean and variance it computed (the normalized value is
   * recomputed as the forward pass computed it, for the activation's mask); undefined when a tensor is
   * not float32.
   */
  batchNormTrainingGradient(
    dy: TensorInfo, x: TensorInfo, mean: TensorInfo, variance: TensorInfo, scale: TensorInfo | undefined, offset: TensorInfo | undefined, epsilon: number, activation: BatchNormActivation,
  ): BatchNormTrainingGradient | undefined;
}

/** One Adam step's factors: β1, β2, the bias corrections 1 − β1ᵗ and 1 − β2ᵗ, the learning rate and ε. */
export interface AdamStep {
  readonly beta1: number;
  readonly beta2: number;
  readonly firstCorrection: number;
  readonly secondCorrection: number;
  readonly learningRate: number;
  readonly epsilon: number;
}

/** The activation a fused BatchNorm applies after normalizing: none, ReLU or ReLU6. */
export type BatchNormActivation = 'linear' | 'relu' | 'relu6';

/** The range [lo, hi] an activation clamps to, whose gradient passes dy where lo < z ≤ hi (linear: everything finite). */
const ACTIVATION_BOUNDS: Readonly<Record<BatchNormActivation, readonly [number, number]>> = {
  linear: [-Infinity, Infinity],
  relu: [0, Infinity],
  relu6: [0, 6],
};

/** What `batchNormTraining` makes, in the wasm heap. */
export interface BatchNormTrainingResult {
  readonly y: TensorInfo;
  readonly mean: TensorInfo;
  readonly variance: TensorInfo;
}

/** What `batchNormTrainingGradient` makes, in the wasm heap. */
export interface BatchNormTrainingGradient {
  readonly dx: TensorInfo;
  readonly dScale: TensorInfo;
  readonly dOffset: TensorInfo;
}

/** The per-channel ops of `WasmSimdKernels.channelOp`. */
export type ChannelOpName = 'add' | 'sub' | 'subFrom' | 'mul';

const CHANNEL_EXPORTS = { add: 'channelAdd', sub: 'channelSub', subFrom: 'channelSubFrom', mul: 'channelMul' } as const;

/**
 * The per-channel vectors BatchNorm normalizes with, in the heap (to dispose): gain
 * scale/√(variance + ε) and bias offset. The forward pass and the
 * gradient both take them from here, so the gradient recomputes exactly the normalized values (and so
 * the activation's mask) the forward pass clamped.
 */
type Normalization = [gain: TensorInfo, bias: TensorInfo];

/** Rows of x whose per-channel mean shifts the one-pass batch statistics (see `sampleMean`). */
const SHIFT_SAMPLE_ROWS = 64;

/**
 * Into `out`, the per-channel mean of up to SHIFT_SAMPLE_ROWS rows spread evenly over x ([rows, c]).
 * BatchNorm's mean and variance are taken in one pass as sums of (x − shift) and (x − shift)², whose
 * difference loses precision in proportion to (mean − shift)² / variance: a sample mean keeps that
 * near 1/64, where one row's values (an outlier among them) could make it large.
 */
function sampleMean(x: Float32Array, rows: number, c: number, out: Float32Array): void {
  const count = Math.min(rows, SHIFT_SAMPLE_ROWS);
  out.fill(0);
  for (let i = 0; i < count; i++) {
    const row = Math.floor((i * rows) / count) * c;
    for (let k = 0; k < c; k++) out[k] = out[k]! + x[row + k]!;
  }
  for (let k = 0; k < c; k++) out[k] = out[k]! / count;
}

/**
 * The most pixels a row of the filter gradient's loop may hold when rows are regrouped (`pixelRows`):
 * each register tile of it streams the row's pixels once, so a row must stay in the L1 cache across
 * its tiles (one long row of a whole batch read the batch once per tile, and ran 1.5x slower).
 */
const FILTER_ROW_PIXELS = 64;

/**
 * The [batch, height, width, outHeight, outWidth] a tap loop runs over, for an input of [batch,
 * height, width, ·]. Where every input pixel meets exactly its own dy pixel (a 1×1 filter at stride 1
 * over an input of the output's size), the pixels of both tensors can be regrouped into any rows: into
 * rows of the largest divisor of the pixel count up to `rowPixels` (never shorter than an image row),
 * so that the loop's register tiles run over longer rows (a 7x7 map's rows of 7 left tiles of 4 and
 * 3 single pixels); otherwise as given.
 */
function pixelRows(info: backend_util.Conv2DInfo, batch: number, height: number, width: number, rowPixels: number): [number, number, number, number, number] {
  const oneToOne = info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1;
  if (!oneToOne || height !== info.outHeight || width !== info.outWidth) return [batch, height, width, info.outHeight, info.outWidth];
  const pixels = batch * height * width;
  let row = width;
  for (let candidate = Math.min(pixels, rowPixels); candidate > width; candidate--) {
    if (pixels % candidate === 0) {
      row = candidate;
      break;
    }
  }
  return [pixels / row, 1, row, 1, row];
}

/** `depthwiseTaps`' geometry parameters, in its order (see ./simd-text.ts). */
function geometry(info: backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left,
  ];
}

/**
 * The SIMD kernels over `backend`'s heap, when `backend` is the wasm backend, the module is loaded
 * (`loadWasmSimdKernels`), this build's memory is not shared and they are not turned off
 * (`setWasmSimdEnabled`); otherwise undefined.
 */
export function wasmSimdKernels(backend: KernelBackend | {}): WasmSimdKernels | undefined {
  const heap = heapBackend(backend);
  const simd = exportsFor(heap);
  if (simd === undefined) return undefined;
  /** A [batch, inHeight, inWidth, inChannels] output that `run` fills from the inputs' offsets; undefined when one is not float32. */
  const inputShaped = (
    inputs: readonly [TensorInfo, TensorInfo],
    info: backend_util.Conv2DInfo,
    run: (at: readonly [number, number], out: number) => void,
  ): TensorInfo | undefined => {
    const at = offsets(heap, inputs);
    if (at === undefined) return undefined;
    const out = heap.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32');
    run([at[0]!, at[1]!], offsetOf(out));
    return out;
  };
  const floats = (t: TensorInfo, count: number): Float32Array => {
    const memory = heap.wasm?.asm?.memory as { readonly buffer: ArrayBuffer };
    return new Float32Array(memory.buffer, offsetOf(t), count);
  };  const normalization = (
    channels: number, variance: TensorInfo, scale: TensorInfo | undefined, offset: TensorInfo | undefined, epsilon: number,
  ): Normalization => {
    const vectors = [0, 1].map(() => heap.makeOutput([channels], 'float32')) as Normalization;
    const [g, b] = vectors.map((t) => floats(t, channels)) as [Float32Array, Float32Array];
    const v = floats(variance, channels);
    const sc = scale === undefined ? undefined : floats(scale, channels);
    const of = offset === undefined ? undefined : floats(offset, channels);
    for (let k = 0; k < channels; k++) {
      g[k] = (sc?.[k] ?? 1) / Math.sqrt(v[k]! + epsilon);
      b[k] = of?.[k] ?? 0;
    }
    return vectors;
  };

  const offsetOf = (t: TensorInfo): number => {
    const data = heap.dataIdMap.get(t.dataId);
    if (data === undefined) throw new KernelError('a SIMD kernel\'s output is not in the wasm heap it was made in');
    return data.memoryOffset;
  };
  return {
    gradientInRange(dy, x, low, high, includeLow) {
      const at = offsets(heap, [dy, x]);
      const size = util.sizeFromShape(dy.shape);
      if (at === undefined || size !== util.sizeFromShape(x.shape)) return undefined;
      const out = heap.makeOutput([...dy.shape], 'float32');
      simd.gradientInRange(at[0]!, at[1]!, offsetOf(out), size, low, high, includeLow ? 1 : 0);
      return out;
    },
    convFilterGradient(xUsed, dy, info) {
      const at = offsets(heap, [xUsed, dy]);
      const [batch, usedHeight, usedWidth] = xUsed.shape;
      if (at === undefined || batch === undefined || usedHeight === undefined || usedWidth === undefined) return undefined;
      const out = heap.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], 'float32');
      const [n, h, w, oh, ow] = pixelRows(info, batch, usedHeight, usedWidth, FILTER_ROW_PIXELS);
      simd.convFilterTaps(
        at[0]!, at[1]!, offsetOf(out), n, h, w, info.inChannels, oh, ow, info.outChannels,
        info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
      );
      return out;
    },
    convInputGradient(dy, filterT, info, paddedHeight, paddedWidth) {
      const at = offsets(heap, [dy, filterT]);
      if (at === undefined) return undefined;
      const out = heap.makeOutput([info.batchSize, paddedHeight, paddedWidth, info.inChannels], 'float32');
      const [n, h, w, oh, ow] = pixelRows(info, info.batchSize, paddedHeight, paddedWidth, Infinity);
      simd.convInputTaps(
        at[0]!, at[1]!, offsetOf(out), n, h, w, info.inChannels, oh, ow,
        info.outChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
      );
      return out;
    },
    convInputGradientByDots(dy, filter, info) {
      return inputShaped([dy, filter], info, ([d, f], out) =>
        simd.convInputDots(
          d, f, out, info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
          info.outChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
        ),
      );
    },
    depthwiseFilterGradient(x, dy, info) {
      const at = offsets(heap, [x, dy]);
      if (at === undefined) return undefined;
      const out = heap.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, 1], 'float32');
      simd.depthwiseTaps(1, at[0]!, at[1]!, offsetOf(out), ...geometry(info));
      return out;
    },
    depthwiseInputGradient(dy, filter, info) {
      return inputShaped([dy, filter], info, ([d, f], out) => simd.depthwiseTaps(0, out, d, f, ...geometry(info)));
    },
    maxPoolGradient(x, dy, info) {
      // Scratch for the loop's list of a window's tap offsets: kh·kw 4-byte slots (it stores i32 there).
      const taps = heap.makeOutput([info.filterHeight * info.filterWidth], 'float32');
      const out = inputShaped([x, dy], info, ([xs, d], dx) =>
        simd.maxPoolTaps(
          xs, d, dx, offsetOf(taps), info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
          info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
        ),
      );
      heap.disposeData(taps.dataId, true);
      return out;
    },
    channelOp(op, x, v) {
      const at = offsets(heap, [x, v]);
      const channels = x.shape[x.shape.length - 1];
      if (at === undefined || channels === undefined || channels === 0 || util.sizeFromShape(v.shape) !== channels) return undefined;
      const out = heap.makeOutput([...x.shape], 'float32');
      simd[CHANNEL_EXPORTS[op]](at[0]!, at[1]!, offsetOf(out), util.sizeFromShape(x.shape) / channels, channels);
      return out;
    },
    batchNormTraining(x, scale, offset, epsilon, activation) {
      const channels = x.shape[x.shape.length - 1] ?? 0;
      const given = [x, scale, offset].filter((t): t is TensorInfo => t !== undefined);
      const at = offsets(heap, given);
      if (at === undefined || channels === 0 || given.slice(1).some((v) => util.sizeFromShape(v.shape) !== channels)) return undefined;
      const rows = util.sizeFromShape(x.shape) / channels;
      const mean = heap.makeOutput([channels], 'float32');
      const variance = heap.makeOutput([channels], 'float32');
      const shift = heap.makeOutput([channels], 'float32');
      sampleMean(floats(x, rows * channels), rows, channels, floats(shift, channels));
      simd.channelShiftedSums(at[0]!, offsetOf(shift), offsetOf(mean), offsetOf(variance), rows, channels);
      const [m, v, k] = [floats(mean, channels), floats(variance, channels), floats(shift, channels)];
      for (let c = 0; c < channels; c++) {
        const centred = m[c]! / rows;
        m[c] = k[c]! + centred;
        v[c] = Math.max(0, v[c]! / rows - centred * centred);
      }
      const [gain, bias] = normalization(channels, variance, scale, offset, epsilon);
      const y = heap.makeOutput([...x.shape], 'float32');
      simd.channelCentredClamp(at[0]!, offsetOf(mean), offsetOf(gain), offsetOf(bias), offsetOf(y), ...ACTIVATION_BOUNDS[activation], rows, channels);
      for (const t of [shift, gain, bias]) heap.disposeData(t.dataId, true);
      return { y, mean, variance };
    },
    batchNormTrainingGradient(dy, x, mean, variance, scale, offset, epsilon, activation) {
      const channels = x.shape[x.shape.length - 1] ?? 0;
      const given = [dy, x, mean, variance, scale, offset].filter((t): t is TensorInfo => t !== undefined);
      const at = offsets(heap, given);
      if (at === undefined || channels === 0 || util.sizeFromShape(dy.shape) !== util.sizeFromShape(x.shape)) return undefined;
      if (given.slice(2).some((v) => util.sizeFromShape(v.shape) !== channels)) return undefined;
      const rows = util.sizeFromShape(x.shape) / channels;
      const dOffset = heap.makeOutput([channels], 'float32');
      const dScale = heap.makeOutput([channels], 'float32');
      const dx = heap.makeOutput([...x.shape], 'float32');
      // Through an activation, the first pass writes dz (dy masked by it) into dx, and the second
      // pass reads dz there and overwrites it, element by element, with dx.
      let gradient = at[0]!;
      if (activation === 'linear') {
        simd.channelGradientSums(at[0]!, at[1]!, at[2]!, offsetOf(dOffset), offsetOf(dScale), rows, channels);
      } else {
        const [gain, bias] = normalization(channels, variance, scale, offset, epsilon);
        gradient = offsetOf(dx);
        simd.channelMaskedGradientSums(
          at[0]!, at[1]!, at[2]!, offsetOf(gain), offsetOf(bias), offsetOf(dOffset), offsetOf(dScale), gradient, ...ACTIVATION_BOUNDS[activation], rows, channels,
        );
        for (const t of [gain, bias]) heap.disposeData(t.dataId, true);
      }
      const factors = [0, 1, 2].map(() => heap.makeOutput([channels], 'float32'));
      const [sumDy, sumDyCentred, v] = [floats(dOffset, channels), floats(dScale, channels), floats(variance, channels)];
      const sc = scale === undefined ? undefined : floats(scale, channels);
      const [a, s2, b] = factors.map((f) => floats(f, channels)) as [Float32Array, Float32Array, Float32Array];
      for (let k = 0; k < channels; k++) {
        const inverseStd = 1 / Math.sqrt(v[k]! + epsilon);
        const gain = (sc?.[k] ?? 1) * inverseStd;
        a[k] = gain;
        s2[k] = (-gain * inverseStd * inverseStd * sumDyCentred[k]!) / rows;
        b[k] = (-gain * sumDy[k]!) / rows;
        sumDyCentred[k] = sumDyCentred[k]! * inverseStd;
      }
      const [fa, fs, fb] = factors.map(offsetOf) as [number, number, number];
      simd.channelCentredGradient(gradient, at[1]!, fa, at[2]!, fs, fb, offsetOf(dx), rows, channels);
      for (const f of factors) heap.disposeData(f.dataId, true);
      return { dx, dScale, dOffset };
    },
    adamUpdate(value, m, v, g, step) {
      const at = offsets(heap, [value, m, v, g]);
      const size = util.sizeFromShape(value.shape);
      if (at === undefined || [m, v, g].some((t) => util.sizeFromShape(t.shape) !== size)) return undefined;
      const outs = [0, 1, 2].map(() => heap.makeOutput([...value.shape], 'float32'));
      simd.adamUpdate(
        at[0]!, at[1]!, at[2]!, at[3]!, offsetOf(outs[0]!), offsetOf(outs[1]!), offsetOf(outs[2]!), size, step.beta1, step.beta2, 1 - step.beta1, 1 - step.beta2,
        step.firstCorrection, step.secondCorrection, -step.learningRate, step.epsilon,
      );
      return outs;
    },
    concatLast(parts) {
      const at = offsets(heap, parts);
      const [first] = parts;
      if (at === undefined || first === undefined) return undefined;
      const widths = parts.map((p) => p.shape[p.shape.length - 1] ?? 0);
      const total = widths.reduce((a, b) => a + b, 0);
      const rows = util.sizeFromShape(first.shape.slice(0, -1));
      const out = heap.makeOutput([...first.shape.slice(0, -1), total], 'float32');
      let start = 0;
      parts.forEach((_, i) => {
        simd.copyColumns(at[i]!, offsetOf(out), rows, widths[i]!, total, 0, start, widths[i]!);
        start += widths[i]!;
      });
      return out;
    },
    splitLast(x, sizes) {
      const at = offsets(heap, [x]);
      if (at === undefined) return undefined;
      const total = x.shape[x.shape.length - 1] ?? 0;
      const rows = util.sizeFromShape(x.shape.slice(0, -1));
      let start = 0;
      return sizes.map((size) => {
        const out = heap.makeOutput([...x.shape.slice(0, -1), size], 'float32');
        simd.copyColumns(at[0]!, offsetOf(out), rows, total, size, start, 0, size);
        start += size;
        return out;
      });
    },
    window(x, top, height, left, width) {
      const at = offsets(heap, [x]);
      const [batch, fullHeight, fullWidth, channels] = x.shape;
      if (at === undefined || batch === undefined || fullHeight === undefined || fullWidth === undefined || channels === undefined) return undefined;
      const out = heap.makeOutput([batch, height, width, channels], 'float32');
      simd.windowRows(at[0]!, offsetOf(out), batch, fullHeight, fullWidth, channels, top, left, height, width);
      return out;
    },
  };
}
