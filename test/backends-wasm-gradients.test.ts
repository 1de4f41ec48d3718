/**
 * The gradient kernels morphlat adds to (or replaces in) the wasm backend: Conv2DBackpropFilter/Input,
 * DepthwiseConv2dNativeBackpropInput/Filter, MaxPoolGrad and AvgPoolGrad. Each table row computes
 * gradients on wasm and compares them with the cpu backend (the numerical reference), data copied
 * between the two as plain arrays, with morphlat's SIMD loops and without. The gradients replaced for
 * speed (ClipByValue, FusedBatchNorm, Mean), the leading-axes reductions, the SIMD zero-padded windows
 * and the training-only kernels (FusedBatchNorm, per-channel Add/Sub/Multiply, data-sharing Identity
 * and Cast) are checked the same way. Then: no tensor or buffer leaks, clear errors, idempotent
 * registration, whole-model gradients equal to cpu's, and a conv+depthwise model whose loss falls when
 * trained on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ClipByValue, Conv2DBackpropFilter, Conv2DBackpropInput, Relu, Relu6 } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { adamOptimizer, initBackend } from '../src/backends/index.js';
import { AdamUpdate } from '../src/backends/wasm/AdamOptimizer.js';
import {
  duringWasmTraining,
  registerWasmGradientKernels,
  WASM_MISSING_KERNELS,
  WASM_REPLACED_KERNELS,
  WASM_TRAINING_KERNELS,
} from '../src/backends/wasm/register.js';
import { BatchNormTraining } from '../src/backends/wasm/BatchNormTraining.js';
import { activationFusions } from '../src/backends/wasm/fused-activations.js';
import type { FusionModel } from '../src/backends/wasm/fused-activations.js';
import { GradientInRange } from '../src/backends/wasm/GradientInRange.js';
import { castTrainingConfig } from '../src/backends/wasm/Cast.js';
import { channelBinaryTrainingConfigs } from '../src/backends/wasm/ChannelBinary.js';
import { concatTrainingConfig } from '../src/backends/wasm/Concat.js';
import { splitVTrainingConfig } from '../src/backends/wasm/SplitV.js';
import { conv2DTrainingConfig, fusedConv2DTrainingConfig } from '../src/backends/wasm/PointwiseConv2D.js';
import { identityTrainingConfig } from '../src/backends/wasm/Identity.js';
import { fusedBatchNormTrainingConfig } from '../src/backends/wasm/FusedBatchNorm.js';
import { window2D } from '../src/backends/wasm/compose.js';
import { setWasmSimdEnabled, wasmSimdKernels } from '../src/backends/wasm/simd.js';
import { KernelError } from '../src/errors.js';
import { zooEntry } from '../src/zoo/index.js';

type Shape4 = [number, number, number, number];
type Pair = [number, number];
type Pad = 'valid' | 'same' | number | [[0, 0], Pair, Pair, [0, 0]];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;
type Backend = 'cpu' | 'wasm';

const RTOL = 1e-3;
const ATOL = 1e-4;

/** Deterministic values in [-1, 1). */
function seeded(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `compute` on `backend` and returns its outputs as plain arrays; nothing stays allocated. */
async function on(backend: Backend, compute: () => tf.Tensor[]): Promise<number[][]> {
  await initBackend(backend);
  const outputs = tf.tidy(compute);
  const values = await Promise.all(outputs.map(async (t) => Array.from(await t.data())));
  tf.dispose(outputs);
  return values;
}

function expectClose(actual: readonly number[], expected: readonly number[], label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const bad = expected.findIndex((e, i) => !(Math.abs((actual[i] ?? Number.NaN) - e) <= ATOL + RTOL * Math.abs(e)));
  expect(bad, bad < 0 ? label : `${label}: element ${bad} is ${actual[bad]}, cpu says ${expected[bad]}`).toBe(-1);
}

/** Runs `body` and returns it with the names of the kernels the engine ran meanwhile, in order. */
function recordingKernels<T>(body: () => T): { result: T; kernels: string[] } {
  const kernels: string[] = [];
  const engine = tf.engine();
  const runKernel = engine.runKernel.bind(engine);
  engine.runKernel = (name, inputs, attrs) => {
    kernels.push(name);
    return runKernel(name, inputs, attrs);
  };
  try {
    return { result: body(), kernels };
  } finally {
    engine.runKernel = runKernel;
  }
}

/** A filter with `dilation − 1` zeros between its taps: a dilated convolution as an undilated one. */
function dilateFilter(w: tf.Tensor4D, [dh, dw]: Pair): tf.Tensor4D {
  if (dh === 1 && dw === 1) return w;
  const [fh, fw, c, m] = w.shape;
  const spaced = tf.pad(tf.reshape(w, [fh, 1, fw, 1, c, m]), [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(spaced, [fh * dh, fw * dw, c, m]), [0, 0, 0, 0], [(fh - 1) * dh + 1, (fw - 1) * dw + 1, c, m]) as tf.Tensor4D;
}

function pair(v: number | Pair): Pair {
  return typeof v === 'number' ? [v, v] : v;
}

beforeAll(async () => {
  await initBackend('cpu');
  await initBackend('wasm');
});

interface ConvCase {
  readonly name: string;
  readonly x: Shape4;
  readonly filter: Shape4;
  readonly strides: number | Pair;
  readonly pad: Pad;
  readonly rounding?: Rounding;
}

const CONV_CASES: readonly ConvCase[] = [
  { name: 'one channel, valid', x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: 1, pad: 'valid' },
  { name: 'one channel, same, odd sizes, batch 3', x: [3, 7, 6, 1], filter: [3, 3, 1, 4], strides: 1, pad: 'same' },
  { name: 'one channel, unequal filter, explicit padding', x: [2, 6, 5, 1], filter: [5, 2, 1, 3], strides: 1, pad: [[0, 0], [2, 1], [0, 1], [0, 0]] },
  { name: 'one channel, stride 2, same', x: [2, 9, 8, 1], filter: [3, 3, 1, 2], strides: 2, pad: 'same' },
  { name: 'same, odd sizes, batch 2', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: 'unequal strides, same', x: [3, 9, 8, 2], filter: [3, 2, 2, 5], strides: [2, 3], pad: 'same' },
  { name: 'unequal strides, valid, unused last rows', x: [2, 8, 9, 3], filter: [4, 3, 3, 2], strides: [3, 2], pad: 'valid' },
  { name: '1x1 pointwise', x: [2, 7, 7, 4], filter: [1, 1, 4, 6], strides: 1, pad: 'valid' },
  { name: '1x1 with fewer outputs than inputs', x: [2, 5, 5, 6], filter: [1, 1, 6, 2], strides: 1, pad: 'same' },
  { name: '1x1 stride-2 projection, same', x: [2, 9, 7, 4], filter: [1, 1, 4, 3], strides: 2, pad: 'same' },
  { name: '1x1, explicit padding, stride 2', x: [1, 6, 5, 2], filter: [1, 1, 2, 2], strides: 2, pad: [[0, 0], [1, 1], [2, 0], [0, 0]] },
  { name: 'explicit padding', x: [2, 6, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: [[0, 0], [1, 2], [0, 3], [0, 0]] },
  { name: 'explicit padding wider than the filter', x: [1, 5, 4, 2], filter: [2, 2, 2, 3], strides: 2, pad: [[0, 0], [3, 0], [0, 4], [0, 0]] },
  { name: 'numeric pad, ceil rounding', x: [2, 8, 7, 2], filter: [3, 3, 2, 3], strides: 2, pad: 1, rounding: 'ceil' },
  { name: 'numeric pad, floor rounding', x: [2, 8, 7, 2], filter: [3, 3, 2, 3], strides: 2, pad: 1, rounding: 'floor' },
  { name: 'filter as large as the input', x: [2, 5, 5, 2], filter: [5, 5, 2, 2], strides: 1, pad: 'same' },
  { name: 'stride larger than the filter', x: [1, 9, 9, 2], filter: [2, 2, 2, 3], strides: 3, pad: 'valid' },
  // The SIMD loop's register tiles (4 inputs by 8 outputs) and what is left over: 9 = 4 + 4 + 1 inputs, 13 = 8 + 4 + 1 outputs.
  { name: 'nine inputs, thirteen outputs, same', x: [2, 7, 6, 9], filter: [3, 3, 9, 13], strides: 1, pad: 'same' },
  { name: 'eight outputs, unequal strides, explicit padding', x: [3, 8, 9, 4], filter: [3, 3, 4, 8], strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: '1x1 stride 2, sixteen outputs', x: [2, 9, 8, 5], filter: [1, 1, 5, 16], strides: 2, pad: 'same' },
  // 1x1 at stride 1: the loops run over all 45 pixels as one row (11 tiles of 4 across image boundaries, then 1).
  { name: '1x1 over whole batches, nine inputs, thirteen outputs', x: [3, 5, 3, 9], filter: [1, 1, 9, 13], strides: 1, pad: 'same' },
  { name: 'valid, input larger than the rows read', x: [2, 9, 10, 8], filter: [2, 3, 8, 12], strides: 3, pad: 'valid' },
  { name: 'eleven inputs (8 + 1 + 1 + 1), stride 2, same', x: [2, 9, 11, 11], filter: [3, 3, 11, 6], strides: 2, pad: 'same' },
  { name: 'four inputs, explicit padding wider than the filter', x: [1, 5, 7, 4], filter: [2, 2, 4, 9], strides: [2, 1], pad: [[0, 0], [3, 0], [0, 4], [0, 0]] },
  // Fewer than four inputs: the input gradient's dot products over the outputs, four at a time, then one by one.
  { name: 'a first layer: one input, sixteen outputs, same', x: [2, 9, 8, 1], filter: [3, 3, 1, 16], strides: 1, pad: 'same' },
  { name: 'three inputs, thirteen outputs, unequal strides', x: [2, 9, 10, 3], filter: [3, 2, 3, 13], strides: [2, 3], pad: 'same' },
];

/** Each case with morphlat's SIMD loops ('simd') and with them off ('composite'). */
function bothPaths<T extends object>(cases: readonly T[]): (T & { path: 'simd' | 'composite' })[] {
  return cases.flatMap((c) => [{ ...c, path: 'simd' as const }, { ...c, path: 'composite' as const }]);
}

/** Runs `body` with the SIMD loops on or off, and leaves them on. */
async function onPath<T>(path: 'simd' | 'composite', body: () => Promise<T>): Promise<T> {
  setWasmSimdEnabled(path === 'simd');
  try {
    return await body();
  } finally {
    setWasmSimdEnabled(true);
  }
}

describe('Conv2D gradients (Conv2DBackpropFilter) match cpu', () => {
  test.each(bothPaths(CONV_CASES))('$path, $name: x $x, filter $filter, strides $strides, pad $pad', (c) => onPath(c.path, async () => {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.rounding);
    const xs = seeded(size(c.x), 1);
    const ws = seeded(size(c.filter), 2);
    const gs = seeded(size(info.outShape), 3);
    const grads = (): tf.Tensor[] => {
      const g = tf.tensor(gs, info.outShape);
      const loss = (x: tf.Tensor, w: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', 1, c.rounding), g));
      return tf.grads(loss)([tf.tensor(xs, c.x), tf.tensor(ws, c.filter)]);
    };
    const [cpuDx = [], cpuDw = []] = await on('cpu', grads);
    const [wasmDx = [], wasmDw = []] = await on('wasm', grads);
    expectClose(wasmDw, cpuDw, 'dW');
    expectClose(wasmDx, cpuDx, 'dx');
  }));
});

interface DepthwiseCase {
  readonly name: string;
  readonly x: Shape4;
  readonly filter: Shape4;
  readonly strides: number | Pair;
  readonly dilations: number | Pair;
  readonly pad: Pad;
  readonly rounding?: Rounding;
}

const DEPTHWISE_CASES: readonly DepthwiseCase[] = [
  { name: 'one channel, valid', x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: 1, dilations: 1, pad: 'valid' },
  { name: 'same, odd sizes, batch 2', x: [2, 7, 6, 3], filter: [3, 3, 3, 1], strides: 1, dilations: 1, pad: 'same' },
  { name: 'multiplier 2, stride 2, same', x: [2, 9, 8, 2], filter: [3, 3, 2, 2], strides: 2, dilations: 1, pad: 'same' },
  { name: 'multiplier 3, unequal strides, valid', x: [3, 8, 9, 3], filter: [3, 2, 3, 3], strides: [2, 3], dilations: 1, pad: 'valid' },
  { name: 'dilation 2, same', x: [2, 9, 9, 2], filter: [3, 3, 2, 1], strides: 1, dilations: 2, pad: 'same' },
  { name: 'unequal dilations, multiplier 2, valid', x: [1, 11, 10, 2], filter: [3, 2, 2, 2], strides: 1, dilations: [2, 3], pad: 'valid' },
  { name: 'dilation 3, explicit padding', x: [1, 9, 8, 3], filter: [3, 3, 3, 1], strides: 1, dilations: 3, pad: [[0, 0], [2, 4], [3, 1], [0, 0]] },
  { name: 'explicit padding, multiplier 2', x: [2, 7, 6, 2], filter: [3, 3, 2, 2], strides: 1, dilations: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { name: 'explicit padding wider than the filter', x: [1, 5, 6, 1], filter: [2, 3, 1, 4], strides: [2, 1], dilations: 1, pad: [[0, 0], [4, 1], [0, 3], [0, 0]] },
  { name: 'numeric pad, ceil rounding', x: [2, 8, 7, 3], filter: [3, 3, 3, 1], strides: 2, dilations: 1, pad: 1, rounding: 'ceil' },
  { name: 'numeric pad, round rounding, multiplier 2', x: [1, 8, 7, 2], filter: [2, 3, 2, 2], strides: 3, dilations: 1, pad: 1, rounding: 'round' },
  { name: 'stride larger than the filter', x: [1, 6, 6, 2], filter: [2, 2, 2, 1], strides: 3, dilations: 1, pad: 'same' },
  { name: 'filter as large as the input', x: [2, 6, 7, 2], filter: [5, 5, 2, 1], strides: 1, dilations: 1, pad: 'same' },
  { name: '1x1, multiplier 2', x: [2, 7, 7, 4], filter: [1, 1, 4, 2], strides: 1, dilations: 1, pad: 'valid' },
  { name: 'stride 2 and dilation 2 together (kernel level)', x: [1, 10, 9, 2], filter: [3, 3, 2, 2], strides: 2, dilations: 2, pad: 'same' },
  // Four channels or more: the SIMD loop's f32x4 lanes, then the channels after the last multiple of four.
  { name: 'six channels, stride 2, same', x: [2, 9, 8, 6], filter: [3, 3, 6, 1], strides: 2, dilations: 1, pad: 'same' },
  { name: 'eight channels, dilation 2, explicit padding', x: [1, 8, 9, 8], filter: [3, 3, 8, 1], strides: 1, dilations: 2, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { name: 'five channels, unequal strides, valid', x: [3, 8, 9, 5], filter: [2, 3, 5, 1], strides: [2, 3], dilations: 1, pad: 'valid' },
  { name: 'twelve channels, 5x5 filter, batch 3', x: [3, 7, 6, 12], filter: [5, 5, 12, 1], strides: 1, dilations: 1, pad: 'same' },
];

describe('depthwise gradients (DepthwiseConv2dNativeBackpropInput/Filter) match cpu', () => {
  test.each(bothPaths(DEPTHWISE_CASES))('$path, $name: x $x, filter $filter, strides $strides, dilations $dilations, pad $pad', (c) => onPath(c.path, async () => {
    const dilations = pair(c.dilations);
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, dilations, c.pad, c.rounding, true);
    const xs = seeded(size(c.x), 4);
    const ws = seeded(size(c.filter), 5);
    const gs = seeded(size(info.outShape), 6);

    // cpu's backprop kernels ignore dilations (tfjs-core's gradient requires 1), so the reference
    // convolves with the explicitly dilated filter instead.
    const [cpuDx = [], cpuDw = []] = await on('cpu', () => {
      const g = tf.tensor(gs, info.outShape);
      const loss = (x: tf.Tensor, w: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, dilateFilter(w as tf.Tensor4D, dilations), c.strides, c.pad, 'NHWC', 1, c.rounding), g));
      return tf.grads(loss)([tf.tensor(xs, c.x), tf.tensor(ws, c.filter)]);
    });
    const tfjsGradient = dilations[0] === 1 && dilations[1] === 1;
    const [wasmDx = [], wasmDw = []] = await on('wasm', () => {
      const x = tf.tensor4d(xs, c.x);
      const w = tf.tensor4d(ws, c.filter);
      const g = tf.tensor4d(gs, info.outShape as Shape4);
      if (tfjsGradient) {
        const loss = (xv: tf.Tensor, wv: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(tf.depthwiseConv2d(xv as tf.Tensor4D, wv as tf.Tensor4D, c.strides, c.pad, 'NHWC', 1, c.rounding), g));
        return tf.grads(loss)([x, w]);
      }
      const common: tf.NamedAttrMap = { strides: c.strides, dilations: c.dilations, pad: c.pad };
      if (c.rounding !== undefined) common['dimRoundingMode'] = c.rounding;
      return [
        tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: g, filter: w }, { ...common, inputShape: c.x }) as tf.Tensor,
        tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy: g }, { ...common, filterShape: c.filter }) as tf.Tensor,
      ];
    });
    expectClose(wasmDw, cpuDw, 'dW');
    expectClose(wasmDx, cpuDx, 'dx');
  }));
});

interface PoolCase {
  readonly name: string;
  readonly x: Shape4;
  readonly filter: number | Pair;
  readonly strides: number | Pair;
  readonly pad: Pad;
  readonly rounding?: Rounding;
  /**
   * 'negative': every window's maximum is negative; 'ties': small integers, so maxima repeat;
   * 'infinite': the first half all −∞ (windows that pass no gradient), then some +∞.
   */
  readonly values: 'mixed' | 'negative' | 'ties' | 'infinite';
}

const POOL_CASES: readonly PoolCase[] = [
  { name: '2x2 stride 2, all negative', x: [1, 4, 4, 1], filter: 2, strides: 2, pad: 'valid', values: 'negative' },
  { name: '3x3 stride 2, same', x: [2, 7, 6, 3], filter: 3, strides: 2, pad: 'same', values: 'mixed' },
  { name: '3x3 stride 1, same, all negative', x: [2, 7, 6, 3], filter: 3, strides: 1, pad: 'same', values: 'negative' },
  { name: 'unequal filter and strides, valid', x: [1, 9, 8, 2], filter: [3, 2], strides: [2, 3], pad: 'valid', values: 'mixed' },
  { name: 'numeric pad, ceil rounding, all negative', x: [2, 8, 7, 3], filter: 3, strides: 2, pad: 1, rounding: 'ceil', values: 'negative' },
  { name: 'ties go to the first maximum', x: [2, 6, 6, 2], filter: 3, strides: 2, pad: 'same', values: 'ties' },
  { name: 'ties, unequal strides, same', x: [2, 9, 9, 3], filter: 3, strides: [1, 2], pad: 'same', values: 'ties' },
  { name: 'explicit padding, all negative', x: [1, 6, 6, 2], filter: 3, strides: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]], values: 'negative' },
  { name: 'stride larger than the window', x: [1, 6, 6, 1], filter: 2, strides: 3, pad: 'same', values: 'mixed' },
  { name: 'tiling 2x2 windows leave an odd row and column out', x: [2, 7, 9, 3], filter: 2, strides: 2, pad: 'valid', values: 'mixed' },
  { name: 'tiling 2x2 windows, ties', x: [2, 6, 8, 3], filter: 2, strides: 2, pad: 'valid', values: 'ties' },
  { name: 'tiling 3x2 windows, same, all negative', x: [1, 6, 6, 2], filter: [3, 2], strides: [3, 2], pad: 'same', values: 'negative' },
  { name: 'tiling 2x2 windows, infinities', x: [2, 4, 6, 2], filter: 2, strides: 2, pad: 'valid', values: 'infinite' },
  { name: 'overlapping windows, infinities', x: [2, 4, 6, 2], filter: 3, strides: 1, pad: 'valid', values: 'infinite' },
  { name: 'window as large as the input', x: [2, 4, 4, 3], filter: 4, strides: 1, pad: 'valid', values: 'mixed' },
  // The SIMD loop's f32x4 lanes and the channels after the last multiple of four.
  { name: 'six channels, tiling 2x2 windows, ties', x: [2, 6, 8, 6], filter: 2, strides: 2, pad: 'valid', values: 'ties' },
  { name: 'nine channels, 3x3 stride 1, same, all negative', x: [2, 5, 6, 9], filter: 3, strides: 1, pad: 'same', values: 'negative' },
  { name: 'eight channels, overlapping windows, infinities', x: [1, 5, 6, 8], filter: 3, strides: [2, 1], pad: 'same', values: 'infinite' },
];

/** Pooling gradients on wasm and cpu for one case and one pooling op, with `xs` as the input. */
async function poolingGradients(c: PoolCase, xs: readonly number[], op: 'max' | 'avg'): Promise<[number[], number[]]> {
  const info = tf.backend_util.computePool2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.rounding);
  const gs = seeded(size(info.outShape), 8);
  const grad = (): tf.Tensor[] => {
    const g = tf.tensor(gs, info.outShape);
    const pool = (x: tf.Tensor4D): tf.Tensor4D =>
      op === 'max' ? tf.maxPool(x, c.filter, c.strides, c.pad, c.rounding) : tf.avgPool(x, c.filter, c.strides, c.pad, c.rounding);
    const loss = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul(pool(x as tf.Tensor4D), g));
    return [tf.grad(loss)(tf.tensor(xs, c.x))];
  };
  const [cpuDx = []] = await on('cpu', grad);
  const [wasmDx = []] = await on('wasm', grad);
  return [wasmDx, cpuDx];
}

describe('max pooling gradient (MaxPoolGrad, replacing wasm’s) matches cpu', () => {
  test.each(bothPaths(POOL_CASES))('$path, $name: x $x, filter $filter, strides $strides, pad $pad', (c) => onPath(c.path, async () => {
    const raw = seeded(size(c.x), 7);
    const infinite = (v: number, i: number): number => (i < raw.length / 2 ? Number.NEGATIVE_INFINITY : i % 7 === 0 ? Number.POSITIVE_INFINITY : v);
    const xs =
      c.values === 'ties'
        ? raw.map((v) => Math.round(2 * v))
        : c.values === 'negative'
          ? raw.map((v) => v - 3)
          : c.values === 'infinite'
            ? raw.map(infinite)
            : raw;
    const [wasmDx, cpuDx] = await poolingGradients(c, xs, 'max');
    expectClose(wasmDx, cpuDx, 'dx');
  }));

  test('NaN inputs never take the gradient (the SIMD loop, as cpu)', async () => {
    const c: PoolCase = { name: 'NaN', x: [2, 6, 7, 6], filter: 3, strides: 1, pad: 'same', values: 'mixed' };
    const xs = seeded(size(c.x), 9).map((v, i) => (i % 5 === 0 ? Number.NaN : v));
    const [wasmDx, cpuDx] = await poolingGradients(c, xs, 'max');
    expect(cpuDx.some((v) => v !== 0)).toBe(true);
    expectClose(wasmDx, cpuDx, 'dx');
  });
});

describe('average pooling gradient (AvgPoolGrad, replacing wasm’s) matches cpu', () => {
  test.each(bothPaths(POOL_CASES.filter((c) => c.values === 'mixed' || c.values === 'negative')))(
    '$path, $name: x $x, filter $filter, strides $strides, pad $pad',
    (c) => onPath(c.path, async () => {
      const [wasmDx, cpuDx] = await poolingGradients(c, seeded(size(c.x), 10), 'avg');
      expectClose(wasmDx, cpuDx, 'dx');
    }),
  );
});

interface ClipCase {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const CLIP_CASES: ClipCase[] = [
  { name: 'ReLU6 bounds', min: 0, max: 6 },
  { name: 'negative and fractional bounds', min: -1, max: 0.25 },
  { name: 'narrow bounds', min: 0.5, max: 0.5000001 },
  { name: 'an infinite bound (tfjs’ own gradient)', min: Number.NEGATIVE_INFINITY, max: 0.5 },
];

describe('lean gradients on wasm match cpu', () => {
  test.each(CLIP_CASES)('ClipByValue, $name', async (c) => {
    const shape = [2, 5, 4, 3];
    // Values on both bounds, just beside them, and in between, beside seeded ones.
    const special = [c.min, c.max, Math.fround(c.min - 1e-6), Math.fround(c.max + 1e-6), 0, -0, 7, -7];
    const xs = seeded(size(shape), 41).map((v, i) => special[i % 11] ?? v * 8);
    const gs = seeded(size(shape), 42);
    const grad = (): tf.Tensor[] => {
      const g = tf.tensor(gs, shape);
      return [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(x, c.min, c.max), g)))(tf.tensor(xs, shape))];
    };
    const [cpuDx = []] = await on('cpu', grad);
    const [wasmDx = []] = await on('wasm', grad);
    const signless = (v: number): number => (v === 0 ? 0 : v);
    expect(wasmDx.map(signless)).toEqual(cpuDx.map(signless));
  });

  test.each(bothPaths([
    { name: 'relu', f: (x: tf.Tensor) => tf.relu(x) },
    { name: 'relu6', f: (x: tf.Tensor) => tf.relu6(x) },
    { name: 'clipByValue [-1, 2.5]', f: (x: tf.Tensor) => tf.clipByValue(x, -1, 2.5) },
  ]))('$path, $name: dy where x is in range, exactly as cpu', (c) => onPath(c.path, async () => {
    const shape = [3, 5, 7, 3]; // 315 values: 78 vectors of four and three after them
    const special = [0, -0, 6, 2.5, -1, Math.fround(6 + 1e-6), Math.fround(-1e-7), 1e-7, -1, Infinity, -Infinity];
    const xs = seeded(size(shape), 51).map((v, i) => (i % 5 === 0 ? special[(i / 5) % special.length] ?? 0 : v * 8));
    const gs = seeded(size(shape), 52);
    const grad = (): tf.Tensor[] => {
      const g = tf.tensor(gs, shape);
      return [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(c.f(x), g)))(tf.tensor(xs, shape))];
    };
    const [cpuDx = []] = await on('cpu', grad);
    const [wasmDx = []] = await on('wasm', grad);
    const signless = (v: number): number => (v === 0 ? 0 : v);
    expect(cpuDx.some((v) => v === 0) && cpuDx.some((v) => v !== 0)).toBe(true);
    expect(wasmDx.map(signless)).toEqual(cpuDx.map(signless));
  }));

  // tfjs-core 4.22 itself cannot differentiate a batchNorm without scale or offset (on any backend).
  test.each([
    { name: 'NHWC x', x: [2, 3, 4, 5] },
    { name: 'rank-2 x', x: [6, 5] },
    { name: 'one channel', x: [4, 3, 3, 1] },
  ])('FusedBatchNorm with $name: gradients of x, mean, variance, scale and offset', async (c) => {
    const channels = c.x[c.x.length - 1] ?? 1;
    const xs = seeded(size(c.x), 43).map((v) => 3 * v + 1);
    const vector = (seed: number, shift: number): tf.Tensor1D => tf.tensor1d(seeded(channels, seed).map((v) => v + shift));
    const gs = seeded(size(c.x), 44);
    const grads = (): tf.Tensor[] => {
      const g = tf.tensor(gs, c.x);
      const f = (x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(tf.batchNorm(x, mean, variance, offset, scale, 0.001), g));
      const inputs = [tf.tensor(xs, c.x), vector(45, 0), vector(46, 1.5), vector(47, 1), vector(48, 0)];
      return tf.grads((...a: tf.Tensor[]) => f(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!))(inputs);
    };
    const cpu = await on('cpu', grads);
    const wasm = await on('wasm', grads);
    expect(cpu.length).toBe(5);
    cpu.forEach((expected, i) => expectClose(wasm[i] ?? [], expected, ['x', 'mean', 'variance', 'scale', 'offset'][i] ?? `${i}`));
  });

  const MEAN_CASES: { axis: number | number[] | undefined; keepDims: boolean }[] = [
    { axis: [0, 1, 2], keepDims: false },
    { axis: [0, 1, 2], keepDims: true },
    { axis: 1, keepDims: false },
    { axis: -1, keepDims: true },
    { axis: undefined, keepDims: false },
  ];
  test.each(MEAN_CASES)('Mean over axis $axis, keepDims $keepDims', async (c) => {
    const shape = [3, 4, 2, 5];
    const xs = seeded(size(shape), 49);
    const grad = (): tf.Tensor[] => {
      const y = tf.mean(tf.tensor(xs, shape), c.axis, c.keepDims);
      const g = tf.tensor(seeded(y.size, 50), y.shape);
      return [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.mean(x, c.axis, c.keepDims), g)))(tf.tensor(xs, shape))];
    };
    const [cpuDx = []] = await on('cpu', grad);
    const [wasmDx = []] = await on('wasm', grad);
    expectClose(wasmDx, cpuDx, 'dx');
  });
});

describe('reductions over leading axes (Sum, Mean, replacing wasm’s) match cpu', () => {
  const CASES = [
    { name: 'BatchNorm statistics, 6 channels', shape: [4, 5, 7, 6], axis: [0, 1, 2], keepDims: false },
    { name: 'keepDims, 9 channels (8 + 1)', shape: [3, 4, 5, 9], axis: [0, 1, 2], keepDims: true },
    { name: 'one leading axis, 2 channels', shape: [37, 2], axis: 0, keepDims: false },
    { name: 'two leading axes of a rank-3 tensor', shape: [6, 11, 13], axis: [0, 1], keepDims: false },
    { name: 'a trailing axis (wasm’s own kernel)', shape: [3, 4, 5], axis: 2, keepDims: false },
  ];
  test.each(CASES.flatMap((c) => [{ ...c, op: 'sum' as const }, { ...c, op: 'mean' as const }]))('$op, $name', async (c) => {
    const xs = seeded(size(c.shape), 53).map((v) => 10 * v + 3);
    const reduce = (): tf.Tensor[] => [(c.op === 'sum' ? tf.sum : tf.mean)(tf.tensor(xs, c.shape), c.axis, c.keepDims)];
    const [cpu = []] = await on('cpu', reduce);
    const [wasm = []] = await on('wasm', reduce);
    expectClose(wasm, cpu, c.op);
  });
});

describe('Adam on wasm (one kernel per variable) matches tfjs’ Adam on cpu', () => {
  const SHAPES: number[][] = [[3], [2, 5], [4, 4], [3, 3, 2, 7]];

  /**
   * How the gradients reach the optimizer: a map by name (`applyGradients(map)`), a list by variable
   * position (`applyGradients([{name, tensor}])`), or `minimize(f, false, varList)`, which passes the list.
   */
  type Feed = 'map' | 'list' | 'minimize';

  /** Five Adam steps over variables of SHAPES from seeded gradients: values, optimizer weights and the kernels run. */
  async function adamSteps(backend: Backend, make: () => tf.Optimizer, prefix: string, feed: Feed = 'map'): Promise<{ values: number[][]; weights: [string, number[]][]; kernels: string[] }> {
    await initBackend(backend);
    const variables = SHAPES.map((shape, i) => tf.variable(tf.tensor(seeded(size(shape), 121 + i), shape), true, `${prefix}-${i}`));
    const optimizer = make();
    const { kernels } = recordingKernels(() => {
      for (let step = 0; step < 5; step++) {
        const grads = variables.map((v, i) => tf.tensor(seeded(v.size, 131 + 10 * step + i).map((g) => 3 * g), v.shape));
        if (feed === 'map') optimizer.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, grads[i]!])));
        if (feed === 'list') optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
        if (feed === 'minimize') optimizer.minimize(() => tf.addN(variables.map((v, i) => tf.sum(tf.mul(v, grads[i]!)))) as tf.Scalar, false, variables);
        tf.dispose(grads);
      }
    });
    const values = await Promise.all(variables.map(async (v) => Array.from(await v.data())));
    const named = await optimizer.getWeights();
    const weights = await Promise.all(named.map(async (w): Promise<[string, number[]]> => [w.name.replace(prefix, 'v'), Array.from(await w.tensor.data())]));
    optimizer.dispose();
    tf.dispose(variables);
    return { values, weights, kernels };
  }

  test.each<Feed>(['map', 'list', 'minimize'])('five steps fed as a %s: values, moments and the step count equal cpu’s tf.train.adam; one MorphlatAdamUpdate a variable and step', async (feed) => {
    const cpu = await adamSteps('cpu', () => tf.train.adam(0.05), `adam-cpu-${feed}`, feed);
    const wasm = await adamSteps('wasm', () => adamOptimizer(0.05), `adam-wasm-${feed}`, feed);
    cpu.values.forEach((expected, i) => expectClose(wasm.values[i] ?? [], expected, `variable ${i}`));
    expect(wasm.weights.map(([name]) => name)).toEqual(cpu.weights.map(([name]) => name));
    cpu.weights.forEach(([name, expected], i) => expectClose(wasm.weights[i]?.[1] ?? [], expected, name));
    expect(wasm.kernels.filter((k) => k === AdamUpdate)).toHaveLength(5 * SHAPES.length);
  });

  test('without the SIMD loops, and on cpu, it is tfjs’ own Adam', async () => {
    const own = await adamSteps('cpu', () => tf.train.adam(0.05), 'adam-own');
    const onCpu = await adamSteps('cpu', () => adamOptimizer(0.05), 'adam-ours');
    expect(onCpu.values).toEqual(own.values);
    const composite = await onPath('composite', () => adamSteps('wasm', () => adamOptimizer(0.05), 'adam-off'));
    expect(composite.kernels).not.toContain(AdamUpdate);
    own.values.forEach((expected, i) => expectClose(composite.values[i] ?? [], expected, `variable ${i}`));
  });
});

describe('zero-padded windows of NHWC tensors (window2D) by the SIMD loop match tfjs’ Pad and Slice', () => {
  const WINDOWS = [
    { name: 'padding on every side', top: 1, height: 8, left: 2, width: 9 },
    { name: 'cropping on every side', top: -1, height: 3, left: -2, width: 3 },
    { name: 'padding above, cropping on the right', top: 2, height: 6, left: 0, width: 4 },
    { name: 'cropping above, padding below and on the left', top: -2, height: 6, left: 3, width: 8 },
    { name: 'a window entirely below the tensor', top: -7, height: 2, left: 0, width: 6 },
    { name: 'a window entirely right of the tensor', top: 0, height: 5, left: -6, width: 2 },
  ];
  test.each(WINDOWS)('$name: top $top, height $height, left $left, width $width', async (c) => {
    const shape: Shape4 = [2, 5, 6, 7];
    const xs = seeded(size(shape), 81);
    const windowOf = (): tf.Tensor[] => [window2D(tf.tensor4d(xs, shape), c.top, c.height, c.left, c.width)];
    await initBackend('wasm');
    const [composed = []] = await onPath('composite', () => on('wasm', windowOf));
    const [simd = []] = await on('wasm', windowOf);
    expect(composed).toHaveLength(2 * c.height * c.width * 7);
    expect(simd).toEqual(composed);
  });
});

describe('training-only kernels on wasm', () => {
  test('FusedBatchNorm is morphlat’s only inside a training step, and wasm’s own again after it, even when the step throws', async () => {
    await initBackend('wasm');
    const current = (): unknown => tf.getKernel(tf.FusedBatchNorm, 'wasm').kernelFunc;
    expect(WASM_TRAINING_KERNELS).toContain(fusedBatchNormTrainingConfig);
    const own = current();
    expect(own).not.toBe(fusedBatchNormTrainingConfig.kernelFunc);
    duringWasmTraining(() => {
      expect(current()).toBe(fusedBatchNormTrainingConfig.kernelFunc);
      duringWasmTraining(() => expect(current()).toBe(fusedBatchNormTrainingConfig.kernelFunc));
      expect(current()).toBe(fusedBatchNormTrainingConfig.kernelFunc);
    });
    expect(current()).toBe(own);
    expect(() =>
      duringWasmTraining(() => {
        throw new Error('step failed');
      }),
    ).toThrow('step failed');
    expect(current()).toBe(own);
  });

  test.each([
    { name: 'per-channel statistics', statsShape: (c: number) => [c], x: [2, 3, 4, 5] },
    { name: 'statistics of shape [1, 1, 1, C]', statsShape: (c: number) => [1, 1, 1, c], x: [2, 3, 4, 5] },
    { name: 'full-shape statistics (wasm’s own kernel)', statsShape: (_c: number) => [2, 3, 4, 5], x: [2, 3, 4, 5] },
  ])('the training FusedBatchNorm matches cpu with $name', async (c) => {
    const channels = c.x[c.x.length - 1] ?? 1;
    const stats = c.statsShape(channels);
    const xs = seeded(size(c.x), 51).map((v) => 4 * v - 1);
    const vector = (seed: number, shift: number): tf.Tensor => tf.tensor(seeded(size(stats), seed).map((v) => v + shift), stats);
    const normalize = (): tf.Tensor[] => [tf.batchNorm(tf.tensor(xs, c.x), vector(52, 0), vector(53, 1.5), vector(54, 0), vector(55, 1), 0.001)];
    const [cpuY = []] = await on('cpu', normalize);
    const [wasmY = []] = await on('wasm', () => duringWasmTraining(normalize));
    expectClose(wasmY, cpuY, 'y');
  });

  test('Add, Sub, Multiply, Identity, Cast, Concat, SplitV, Conv2D and FusedConv2D are morphlat’s only inside a training step', async () => {
    await initBackend('wasm');
    const current = (name: string): unknown => tf.getKernel(name, 'wasm').kernelFunc;
    const ours = new Map(
      [
        ...channelBinaryTrainingConfigs,
        identityTrainingConfig,
        castTrainingConfig,
        concatTrainingConfig,
        splitVTrainingConfig,
        conv2DTrainingConfig,
        fusedConv2DTrainingConfig,
      ].map((config) => [config.kernelName, config.kernelFunc]),
    );
    expect([...ours.keys()].sort()).toEqual([tf.Add, tf.Multiply, tf.Sub, tf.Identity, tf.Cast, tf.Concat, tf.SplitV, tf.Conv2D, tf.FusedConv2D].sort());
    for (const name of ours.keys()) expect(WASM_TRAINING_KERNELS.map((config) => config.kernelName)).toContain(name);
    for (const [name, kernelFunc] of ours) expect(current(name)).not.toBe(kernelFunc);
    duringWasmTraining(() => {
      for (const [name, kernelFunc] of ours) expect(current(name)).toBe(kernelFunc);
    });
    for (const [name, kernelFunc] of ours) expect(current(name)).not.toBe(kernelFunc);
  });

  // 1×1 at stride 1 by the SIMD tiles (4 + 4 + 1 pixels of a row; 8 + 4 + 1 output channels), the rest by wasm's own.
  const POINTWISE = [
    { name: '1x1, 6 → 13 channels, same', x: [2, 3, 3, 6], filter: [1, 1, 6, 13], strides: 1, pad: 'same' as const, bias: false },
    { name: '1x1, 9 → 4 channels, valid, one image', x: [1, 5, 7, 9], filter: [1, 1, 9, 4], strides: 1, pad: 'valid' as const, bias: false },
    { name: '1x1, 5 → 3 channels (wasm’s own)', x: [2, 4, 3, 5], filter: [1, 1, 5, 3], strides: 1, pad: 'same' as const, bias: false },
    { name: '1x1 at stride 2 (wasm’s own)', x: [2, 5, 5, 4], filter: [1, 1, 4, 8], strides: 2, pad: 'same' as const, bias: false },
    { name: '1x1 with a bias and ReLU (wasm’s own)', x: [2, 3, 4, 4], filter: [1, 1, 4, 8], strides: 1, pad: 'same' as const, bias: true },
    { name: '3x3 (wasm’s own)', x: [2, 5, 4, 4], filter: [3, 3, 4, 8], strides: 1, pad: 'same' as const, bias: false },
  ];
  test.each(bothPaths(POINTWISE))('$path: conv2d and fused conv2d inside a training step match cpu, $name', (c) => onPath(c.path, async () => {
    const xs = seeded(size(c.x), 73);
    const ws = seeded(size(c.filter), 74);
    const convolve = (): tf.Tensor[] => {
      const x = tf.tensor4d(xs, c.x as [number, number, number, number]);
      const w = tf.tensor4d(ws, c.filter as [number, number, number, number]);
      const bias = c.bias ? tf.fill([c.filter[3]!], 0.1) : undefined;
      return duringWasmTraining(() => [
        tf.conv2d(x, w, c.strides, c.pad),
        tf.fused.conv2d({ x, filter: w, strides: c.strides, pad: c.pad, ...(bias === undefined ? {} : { bias, activation: 'relu' as const }) }),
      ]);
    };
    const cpu = await on('cpu', convolve);
    const wasm = await on('wasm', convolve);
    cpu.forEach((expected, i) => expectClose(wasm[i] ?? [], expected, ['conv2d', 'fused conv2d'][i] ?? ''));
  }));

  const BROADCASTS = [
    { name: 'a [C] vector, C = 4 lanes + 3', full: [2, 3, 4, 7], vector: [7] },
    { name: 'a [1, 1, 1, C] vector, C = 16', full: [2, 5, 3, 16], vector: [1, 1, 1, 16] },
    { name: 'a [1, C] vector on a matrix, C = 3', full: [9, 3], vector: [1, 3] },
    { name: 'a [1, 1, C] vector on rank 4 (lower rank)', full: [2, 3, 2, 8], vector: [1, 1, 8] },
    { name: 'same shapes (wasm’s own)', full: [2, 3, 4, 5], vector: [2, 3, 4, 5] },
    { name: 'a broadcast over a middle axis (wasm’s own)', full: [2, 3, 4, 5], vector: [1, 3, 1, 5] },
  ];
  test.each(bothPaths(BROADCASTS))('$path: x op v and v op x inside a training step match cpu, $name', (c) => onPath(c.path, async () => {
    const xs = seeded(size(c.full), 71);
    const vs = seeded(size(c.vector), 72).map((v) => v + 0.25);
    const ops = (): tf.Tensor[] => {
      const x = tf.tensor(xs, c.full);
      const v = tf.tensor(vs, c.vector);
      return [tf.add(x, v), tf.add(v, x), tf.sub(x, v), tf.sub(v, x), tf.mul(x, v), tf.mul(v, x)];
    };
    const cpu = await on('cpu', ops);
    const wasm = await on('wasm', () => duringWasmTraining(ops));
    cpu.forEach((expected, i) => expectClose(wasm[i] ?? [], expected, ['x + v', 'v + x', 'x − v', 'v − x', 'x · v', 'v · x'][i] ?? ''));
  }));

  const JOINS = [
    { name: 'four towers on the last axis, 3 + 5 + 8 + 1 channels', shapes: [[2, 3, 4, 3], [2, 3, 4, 5], [2, 3, 4, 8], [2, 3, 4, 1]], axis: -1 },
    { name: 'two matrices on axis 1', shapes: [[5, 2], [5, 7]], axis: 1 },
    { name: 'along a middle axis (wasm’s own)', shapes: [[2, 3, 4], [2, 1, 4]], axis: 1 },
  ];
  test.each(JOINS)('inside a training step, Concat and its gradient (SplitV) match cpu: $name', async (c) => {
    const values = c.shapes.map((shape, i) => seeded(size(shape), 101 + i));
    const joined = (): tf.Tensor[] => {
      const parts = c.shapes.map((shape, i) => tf.tensor(values[i] ?? [], shape));
      const out = tf.concat(parts, c.axis);
      const g = tf.tensor(seeded(out.size, 111), out.shape);
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(tf.concat(xs, c.axis), g)))(parts);
      return [out, ...grads, ...tf.split(out, c.shapes.map((shape) => shape[c.axis < 0 ? shape.length - 1 : c.axis] ?? 0), c.axis)];
    };
    const cpu = await on('cpu', joined);
    const wasm = await on('wasm', () => duringWasmTraining(joined));
    expect(wasm).toHaveLength(1 + 2 * c.shapes.length);
    cpu.forEach((expected, i) => expectClose(wasm[i] ?? [], expected, i === 0 ? 'concat' : `part ${i}`));
  });

  test('inside a training step, clones and same-dtype casts share their data and keep their values; other casts convert', async () => {
    await initBackend('wasm');
    const x = tf.tensor([1.5, -2.25, 3], [3]);
    const ints = tf.tensor([1, -2, 3], [3], 'int32');
    const [clone, same, toFloat] = duringWasmTraining(() => [tf.clone(x), tf.cast(x, 'float32'), tf.cast(ints, 'float32')]);
    expect(clone?.dataId).toBe(x.dataId);
    expect(same?.dataId).toBe(x.dataId);
    expect(toFloat?.dtype).toBe('float32');
    expect(Array.from(await (toFloat as tf.Tensor).data())).toEqual([1, -2, 3]);
    x.dispose();
    expect(Array.from(await (clone as tf.Tensor).data())).toEqual([1.5, -2.25, 3]);
    expect(Array.from(await (same as tf.Tensor).data())).toEqual([1.5, -2.25, 3]);
    tf.dispose([clone, same, toFloat, ints] as tf.Tensor[]);
  });

  test('a whole model’s gradients inside a training step equal cpu’s', async () => {
    const cpu = await wholeModelGradients('cpu', () => convDepthwiseModel(61), batch, duringWasmTraining);
    const wasm = await wholeModelGradients('wasm', () => convDepthwiseModel(61), batch, duringWasmTraining);
    cpu.forEach((expected, i) => expectClose(wasm[i] ?? [], expected, `weight ${i}`));
  });
});

/** Each added kernel on small inputs, as [kernel name, inputs, attrs]. */
function kernelCalls(): [string, Record<string, tf.Tensor>, Record<string, unknown>][] {
  const x = tf.tensor4d(seeded(2 * 7 * 6 * 3, 9), [2, 7, 6, 3]);
  const conv = tf.conv2d(x, tf.ones([3, 3, 3, 4]), 2, 'same');
  const depthwise = tf.depthwiseConv2d(x, tf.ones([3, 3, 3, 2]), 1, 'same');
  const pooled = tf.maxPool(x, 3, 2, 'same');
  return [
    [tf.Conv2DBackpropFilter, { x, dy: conv }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }],
    [tf.DepthwiseConv2dNativeBackpropInput, { dy: depthwise, filter: tf.ones([3, 3, 3, 2]) }, { strides: 1, dilations: 1, pad: 'same', inputShape: [2, 7, 6, 3] }],
    [tf.DepthwiseConv2dNativeBackpropFilter, { x, dy: depthwise }, { strides: 1, dilations: 1, pad: 'same', filterShape: [3, 3, 3, 2] }],
    [tf.MaxPoolGrad, { dy: pooled, input: x, output: pooled }, { filterSize: 3, strides: 2, pad: 'same' }],
    [tf.AvgPoolGrad, { dy: pooled, input: x }, { filterSize: 3, strides: 2, pad: 'same' }],
    [tf.Conv2DBackpropInput, { dy: conv, filter: tf.ones([3, 3, 3, 4]) }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 7, 6, 3] }],
  ];
}

function wasmBuffers(): number {
  return tf.engine().backend.numDataIds();
}

describe('memory', () => {
  test('no kernel leaves a tensor or a wasm buffer behind', async () => {
    await initBackend('wasm');
    const calls = kernelCalls();
    for (const [name, inputs, attrs] of calls) {
      const tensors = tf.memory().numTensors;
      const buffers = wasmBuffers();
      for (let i = 0; i < 3; i++) {
        const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
        expect(out.shape.length, name).toBe(4);
        out.dispose();
      }
      expect(tf.memory().numTensors, `${name}: tensors`).toBe(tensors);
      expect(wasmBuffers(), `${name}: wasm buffers`).toBe(buffers);
    }
    tf.dispose(calls.flatMap(([, inputs]) => Object.values(inputs)));
  });

  test('training steps leave no tensor behind', async () => {
    await initBackend('wasm');
    const model = convDepthwiseModel(11);
    const optimizer = tf.train.momentum(0.05, 0.9);
    const { x, y } = batch();
    // As the training loop runs a step: with the training-only kernels (shared data for Identity and Cast).
    const step = (): void => {
      duringWasmTraining(() => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), false));
    };
    step();
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers();
    step();
    step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers()).toBe(buffers);
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  test('the fused BatchNorm kernel and its gradient leave no tensor or wasm buffer behind', async () => {
    await initBackend('wasm');
    const x = tf.tensor(seeded(2 * 3 * 3 * 5, 94), [2, 3, 3, 5]);
    const scale = tf.ones([5]);
    const offset = tf.zeros([5]);
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers();
    const loss = (xv: tf.Tensor, sv: tf.Tensor, ov: tf.Tensor): tf.Scalar => {
      const [y] = tf.engine().runKernel(BatchNormTraining, { x: xv, scale: sv, offset: ov }, { varianceEpsilon: 1e-3 }) as tf.Tensor[];
      return tf.sum(tf.square(y as tf.Tensor));
    };
    for (let i = 0; i < 3; i++) {
      const grads = tf.grads(loss)([x, scale, offset]);
      expect(grads.map((g) => g.shape)).toEqual([[2, 3, 3, 5], [5], [5]]);
      tf.dispose(grads);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers()).toBe(buffers);
    tf.dispose([x, scale, offset]);
  });

  test('inputs given as bare TensorInfos keep their data', async () => {
    await initBackend('wasm');
    const x = tf.tensor4d(seeded(1 * 5 * 5 * 2, 10), [1, 5, 5, 2]);
    const dy = tf.tensor4d(seeded(1 * 3 * 3 * 3, 11), [1, 3, 3, 3]);
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] };
    const viaEngine = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor;
    const expected = Array.from(await viaEngine.data());
    viaEngine.dispose();
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers();
    const kernel = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm');
    const bare = (t: tf.Tensor): tf.TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
    const out = kernel.kernelFunc({ inputs: { x: bare(x), dy: bare(dy) }, backend: tf.backend(), attrs }) as tf.TensorInfo;
    const result = out instanceof tf.Tensor ? out : tf.engine().makeTensorFromTensorInfo(out);
    expect(Array.from(await result.data())).toEqual(expected);
    result.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers()).toBe(buffers);
    expect((await x.data()).length).toBe(50);
    expect((await dy.data()).length).toBe(27);
    tf.dispose([x, dy]);
  });
});

describe('errors and registration', () => {
  test('NCHW filter gradients are refused with a KernelError, as wasm’s Conv2D refuses NCHW', async () => {
    await initBackend('wasm');
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 3, 3, 3]);
    const call = (): unknown =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] });
    expect(call).toThrow(KernelError);
    expect(call).toThrow(/NCHW/);
    tf.dispose([x, dy]);
  });

  test('a dy whose shape the convolution does not produce is a KernelError', async () => {
    await initBackend('wasm');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    expect(() =>
      tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { strides: 1, dilations: 1, pad: 'valid', filterShape: [3, 3, 2, 1] }),
    ).toThrow(KernelError);
    tf.dispose([x, dy]);
  });

  test('the kernels refuse to run while another backend is active', async () => {
    await initBackend('cpu');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 3, 3, 3]);
    const kernel = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm');
    expect(() =>
      kernel.kernelFunc({ inputs: { x, dy }, backend: tf.backend(), attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] } }),
    ).toThrow(KernelError);
    tf.dispose([x, dy]);
  });

  test('the SIMD loops run on this machine’s wasm backend, and can be turned off', async () => {
    await initBackend('wasm');
    expect(wasmSimdKernels(tf.backend())).toBeDefined();
    await onPath('composite', async () => expect(wasmSimdKernels(tf.backend())).toBeUndefined());
    expect(wasmSimdKernels(tf.backend())).toBeDefined();
    await initBackend('cpu');
    expect(wasmSimdKernels(tf.backend())).toBeUndefined();
  });

  test('integer depthwise inputs (cast, then the composite path) match cpu', async () => {
    const c = { x: [2, 7, 6, 5] as Shape4, filter: [3, 3, 5, 1] as Shape4, strides: 2, pad: 'same' as const };
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, undefined, true);
    const xs = seeded(size(c.x), 7).map((v) => Math.round(4 * v));
    const gs = seeded(size(info.outShape), 8).map((v) => Math.round(4 * v));
    const ws = seeded(size(c.filter), 9).map((v) => Math.round(4 * v));
    const gradients = (): tf.Tensor[] => {
      const attrs = { strides: c.strides, dilations: 1, pad: c.pad };
      const dy = tf.tensor4d(gs, info.outShape as Shape4, 'int32');
      return [
        tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: tf.tensor4d(xs, c.x, 'int32'), dy }, { ...attrs, filterShape: c.filter }) as tf.Tensor,
        tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: tf.tensor4d(ws, c.filter, 'int32') }, { ...attrs, inputShape: c.x }) as tf.Tensor,
      ];
    };
    const [cpuDw = [], cpuDx = []] = await on('cpu', gradients);
    const [wasmDw = [], wasmDx = []] = await on('wasm', gradients);
    expect(cpuDw.some((v) => v !== 0)).toBe(true);
    expectClose(wasmDw, cpuDw, 'dW');
    expectClose(wasmDx, cpuDx, 'dx');
  });

  test('registering again changes nothing and warns about nothing', () => {
    const warn = vi.spyOn(console, 'warn');
    registerWasmGradientKernels();
    registerWasmGradientKernels();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    for (const config of [...WASM_MISSING_KERNELS, ...WASM_REPLACED_KERNELS]) {
      expect(tf.getKernel(config.kernelName, 'wasm').kernelFunc, config.kernelName).toBe(config.kernelFunc);
    }
  });
});

/** conv → BN → ReLU6 → depthwise (stride 2, multiplier 2) → BN → ReLU → max pool → dense softmax. */
function convDepthwiseModel(seed: number): tfl.LayersModel {
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [9, 9, 3], filters: 6, kernelSize: 3, padding: 'same', kernelInitializer: init(0) }),
      tfl.layers.batchNormalization(),
      tfl.layers.reLU({ maxValue: 6 }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same', depthwiseInitializer: init(1) }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
}

function batch(): Batch {
  const x = tf.tensor4d(seeded(8 * 9 * 9 * 3, 12), [8, 9, 9, 3]);
  const y = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 3, 3, 2, 1, 0], 'int32'), 4), 'float32') as tf.Tensor2D;
  return { x, y };
}

/** One batch for a model: inputs and one-hot labels. */
type Batch = { x: tf.Tensor4D; y: tf.Tensor2D };

/** The gradients of `build()`'s weights on `input()` on `backend`, computed inside `around`. */
async function wholeModelGradients(
  backend: Backend,
  build: () => tfl.LayersModel,
  input: () => Batch,
  around: <T>(step: () => T, model: tfl.LayersModel) => T,
): Promise<number[][]> {
  await initBackend(backend);
  const model = build();
  const { x, y } = input();
  const { value, grads } = around(() =>
    tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor)),
    model,
  );
  const ordered = model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]);
  const values = await Promise.all(ordered.map(async (g) => Array.from((await g?.data()) ?? [])));
  tf.dispose([value, x, y, ...Object.values(grads)]);
  model.dispose();
  return values;
}

/** Four 28x28 grayscale images and their labels, for the zoo models. */
function zooBatch(): Batch {
  const x = tf.tensor4d(seeded(4 * 28 * 28, 13), [4, 28, 28, 1]);
  const y = tf.cast(tf.oneHot(tf.tensor1d([0, 3, 7, 9], 'int32'), 10), 'float32') as tf.Tensor2D;
  return { x, y };
}

describe('training on wasm', () => {
  test('whole-model gradients (conv, BN, ReLU6, depthwise, max pool, dense) equal cpu’s', async () => {
    const cpu = await wholeModelGradients('cpu', () => convDepthwiseModel(21), batch, (step) => step());
    const wasm = await wholeModelGradients('wasm', () => convDepthwiseModel(21), batch, (step) => step());
    expect(wasm.length).toBe(cpu.length);
    cpu.forEach((expected, i) => {
      expect(expected.length, `weight ${i}`).toBeGreaterThan(0);
      expectClose(wasm[i] ?? [], expected, `weight ${i}`);
    });
  });

  // The zoo's own layers take morphlat's SIMD loops (dense and depthwise gradients with one multiplier,
  // input gradients with four channels or more, BatchNorm fused with the ReLU or ReLU6 after it) inside
  // a real training step.
  test.each(['resnet-mini', 'mobilenet-mini', 'inception-mini'])('%s: whole-model gradients in a training step equal cpu’s', async (name) => {
    const build = (): tfl.LayersModel => zooEntry(name).build({ seed: 5 });
    const cpu = await wholeModelGradients('cpu', build, zooBatch, duringWasmTraining);
    const wasm = await wholeModelGradients('wasm', build, zooBatch, duringWasmTraining);
    expect(wasm.length).toBe(cpu.length);
    cpu.forEach((expected, i) => {
      expect(expected.some((v) => v !== 0), `weight ${i}`).toBe(true);
      expectClose(wasm[i] ?? [], expected, `weight ${i}`);
    });
  });

  // The fused kernel takes the batch mean and variance in one pass, shifted by a sample mean: values far
  // from 0 with a small spread, and a first row far out, must not lose the variance to cancellation.
  const BATCH_NORMS = [
    { name: 'rank 4, 6 channels (4 lanes + 2)', shape: [3, 5, 4, 6], values: (v: number, i: number) => 3 * v + (i % 3) - 0.5 },
    { name: 'rank 4, 16 channels, one image', shape: [1, 7, 3, 16], values: (v: number, i: number) => 3 * v + (i % 3) - 0.5 },
    { name: 'rank 2 (after a dense layer), 3 channels', shape: [11, 3], values: (v: number, i: number) => 3 * v + (i % 3) - 0.5 },
    { name: 'around 1000 with spread 0.05, first row 400 spreads out', shape: [4, 9, 7, 5], values: (v: number, i: number) => 1000 + 0.05 * (i < 5 ? 400 : v) },
  ];
  test.each(BATCH_NORMS)('a BatchNormalization layer in a training step ($name): output, moving statistics and gradients equal cpu’s', async (c) => {
    const xs = seeded(size(c.shape), 91).map(c.values);
    const channels = c.shape[c.shape.length - 1] ?? 1;
    const gs = seeded(size(c.shape), 92);
    const run = async (backend: Backend): Promise<number[][]> => {
      await initBackend(backend);
      const layer = tfl.layers.batchNormalization({
        momentum: 0.9,
        gammaInitializer: tfl.initializers.constant({ value: 1.5 }),
        betaInitializer: tfl.initializers.constant({ value: -0.25 }),
      });
      const x = tf.tensor(xs, c.shape);
      layer.build(x.shape);
      const g = tf.tensor(gs, c.shape);
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = duringWasmTraining(() =>
        tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, g)), weights),
      );
      const xGrad = duringWasmTraining(() => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, g)))(x));
      const y = duringWasmTraining(() => layer.apply(x, { training: true }) as tf.Tensor);
      const out = [y, xGrad, ...weights.map((w) => grads[w.name] as tf.Tensor), ...layer.nonTrainableWeights.map((w) => w.read())];
      const values = await Promise.all(out.map(async (t) => Array.from(await t.data())));
      tf.dispose([x, g, y, xGrad, value, ...Object.values(grads)]);
      for (const w of layer.weights) w.dispose();
      return values;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(cpu).toHaveLength(6);
    expect(cpu[4]).toHaveLength(channels);
    const labels = ['y', 'dx', 'dGamma', 'dBeta', 'moving mean', 'moving variance'];
    cpu.forEach((expected, i) => expectClose(wasm[i] ?? [], expected, labels[i] ?? ''));
  });

  test('BatchNormalization layers take the fused kernel only in training calls inside a training step, also after one throws', async () => {
    await initBackend('wasm');
    const layer = tfl.layers.batchNormalization({});
    const x = tf.tensor(seeded(2 * 3 * 3 * 4, 93), [2, 3, 3, 4]);
    layer.build(x.shape);
    const kernelsOf = (run: () => void): string[] => recordingKernels(() => tf.tidy(run)).kernels;
    expect(kernelsOf(() => duringWasmTraining(() => layer.apply(x, { training: true })))).toContain(BatchNormTraining);
    expect(kernelsOf(() => duringWasmTraining(() => layer.apply(x, { training: false })))).not.toContain(BatchNormTraining);
    expect(kernelsOf(() => layer.apply(x, { training: true }))).not.toContain(BatchNormTraining);
    expect(() => duringWasmTraining(() => { throw new Error('step failed'); })).toThrow('step failed');
    expect(kernelsOf(() => layer.apply(x, { training: true }))).not.toContain(BatchNormTraining);
    await onPath('composite', async () => {
      expect(kernelsOf(() => duringWasmTraining(() => layer.apply(x, { training: true })))).not.toContain(BatchNormTraining);
    });
    x.dispose();
    for (const w of layer.weights) w.dispose();
  });

  /**
   * conv → BN → ReLU6 → conv → BN → ReLU → GAP → dense (softmax), and a third BN → ReLU6 on the second
   * ReLU's output whose BN output is also a model output: two fusible pairs and one that is not.
   */
  function fusionModel(): tfl.LayersModel {
    const init = (offset: number) => tfl.initializers.glorotUniform({ seed: 70 + offset });
    const input = tfl.input({ shape: [6, 5, 3] });
    const conv = (x: tfl.SymbolicTensor, filters: number, offset: number): tfl.SymbolicTensor =>
      tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(offset) }).apply(x) as tfl.SymbolicTensor;
    const bn = (x: tfl.SymbolicTensor): tfl.SymbolicTensor =>
      tfl.layers.batchNormalization({ betaInitializer: tfl.initializers.constant({ value: 0.3 }) }).apply(x) as tfl.SymbolicTensor;
    const first = tfl.layers.reLU({ maxValue: 6 }).apply(bn(conv(input, 5, 0))) as tfl.SymbolicTensor;
    const second = tfl.layers.reLU().apply(bn(conv(first, 6, 1))) as tfl.SymbolicTensor;
    const exposed = bn(second);
    const third = tfl.layers.reLU({ maxValue: 6 }).apply(exposed) as tfl.SymbolicTensor;
    const pooled = tfl.layers.globalAveragePooling2d({}).apply(third) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(2) }).apply(pooled) as tfl.SymbolicTensor;
    return tfl.model({ inputs: input, outputs: [out, exposed] });
  }

  test('BatchNorm → ReLU6 and BatchNorm → ReLU run fused where the model allows; outputs and gradients equal cpu’s', async () => {
    const x = seeded(8 * 6 * 5 * 3, 98).map((v) => 2 * v);
    const labels = [0, 1, 2, 3, 3, 2, 1, 0];
    const run = async (backend: Backend, withModel: boolean): Promise<{ values: number[][]; kernels: string[] }> => {
      await initBackend(backend);
      const model = fusionModel();
      const xs = tf.tensor4d(x, [8, 6, 5, 3]);
      const ys = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32');
      const g = tf.tensor(seeded(8 * 6 * 5 * 6, 99), [8, 6, 5, 6]);
      const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
      let outputs: tf.Tensor[] = [];
      const { result, kernels } = recordingKernels(() =>
        duringWasmTraining(
          () =>
            tf.variableGrads(() => {
              outputs = (model.apply(xs, { training: true }) as tf.Tensor[]).map((t) => tf.keep(t));
              return tf.add(tf.losses.softmaxCrossEntropy(ys, outputs[0]!), tf.sum(tf.mul(outputs[1]!, g))) as tf.Scalar;
            }, weights),
          withModel ? model : undefined,
        ),
      );
      const all = [...outputs, ...weights.map((w) => result.grads[w.name] as tf.Tensor), ...model.nonTrainableWeights.map((w) => w.read())];
      const values = await Promise.all(all.map(async (t) => Array.from(await t.data())));
      tf.dispose([xs, ys, g, result.value, ...outputs, ...Object.values(result.grads)]);
      model.dispose();
      return { values, kernels };
    };
    const cpu = await run('cpu', true);
    const fused = await run('wasm', true);
    const unfused = await run('wasm', false);
    const count = (kernels: string[], name: string): number => kernels.filter((k) => k === name).length;
    // Only the exposed BatchNorm's ReLU6 runs as a layer (forward and back); unfused, all three do.
    expect(count(fused.kernels, Relu6)).toBe(1);
    expect(count(fused.kernels, Relu)).toBe(0);
    expect(count(fused.kernels, GradientInRange)).toBe(1);
    expect(count(unfused.kernels, Relu6)).toBe(2);
    expect(count(unfused.kernels, GradientInRange)).toBe(3);
    expect(cpu.values.length).toBeGreaterThan(10);
    cpu.values.forEach((expected, i) => {
      expectClose(fused.values[i] ?? [], expected, `fused, value ${i}`);
      expectClose(unfused.values[i] ?? [], expected, `unfused, value ${i}`);
    });
  });

  test('activationFusions pairs a BatchNorm with its ReLU only when the ReLU is all that reads it', () => {
    const input = tfl.input({ shape: [4, 4, 2] });
    const bnShared = tfl.layers.batchNormalization().apply(input) as tfl.SymbolicTensor;
    const a = tfl.layers.reLU().apply(bnShared) as tfl.SymbolicTensor;
    const b = tfl.layers.reLU({ maxValue: 6 }).apply(bnShared) as tfl.SymbolicTensor;
    const bnOdd = tfl.layers.batchNormalization().apply(a) as tfl.SymbolicTensor;
    const c = tfl.layers.reLU({ maxValue: 4 }).apply(bnOdd) as tfl.SymbolicTensor;
    const bnLone = tfl.layers.batchNormalization().apply(b) as tfl.SymbolicTensor;
    const d = tfl.layers.reLU({ maxValue: 6 }).apply(bnLone) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: [c, d] });
    const pairs = activationFusions(model as unknown as FusionModel);
    expect([...pairs.keys()]).toEqual([bnLone.sourceLayer]);
    expect(pairs.get(bnLone.sourceLayer)).toEqual({ activation: 'relu6', consumer: d.sourceLayer });
    model.dispose();
  });

  test('a ReLU6 layer in a training step runs one Relu6 kernel; its output and input gradient equal cpu’s', async () => {
    const shape = [2, 3, 5, 6];
    // Both sides of both bounds, and the bounds themselves.
    const xs = seeded(size(shape), 94).map((v, i) => (i % 7 === 0 ? 0 : i % 7 === 1 ? 6 : 5 * v + 3));
    const gs = seeded(size(shape), 95);
    const run = async (backend: Backend): Promise<{ values: number[][]; kernels: string[] }> => {
      await initBackend(backend);
      const layer = tfl.layers.reLU({ maxValue: 6 });
      const x = tf.tensor(xs, shape);
      const g = tf.tensor(gs, shape);
      const { result, kernels } = recordingKernels(() =>
        duringWasmTraining(() => {
          const y = layer.apply(x, { training: true }) as tf.Tensor;
          const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, g)))(x);
          return [y, dx];
        }),
      );
      const values = await Promise.all(result.map(async (t) => Array.from(await t.data())));
      tf.dispose([x, g, ...result]);
      return { values, kernels };
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(cpu.kernels).toContain(ClipByValue);
    expect(wasm.kernels).toContain(Relu6);
    expect(wasm.kernels).not.toContain(ClipByValue);
    expect(cpu.values[1]?.filter((v) => v === 0).length).toBeGreaterThan(0);
    const outside = recordingKernels(() => tf.tidy(() => tfl.layers.reLU({ maxValue: 6 }).apply(tf.tensor(xs, shape), { training: true }) as tf.Tensor)).kernels;
    expect(outside, 'outside a training step').toContain(ClipByValue);
    // Equal as numbers: tfjs' own gradient multiplies dy by a 0 mask, which gives −0 where dy < 0.
    const asNumbers = (values: number[] | undefined): number[] => (values ?? []).map((v) => (v === 0 ? 0 : v));
    cpu.values.forEach((expected, i) => expect(asNumbers(wasm.values[i]), ['y', 'dx'][i]).toEqual(asNumbers(expected)));
  });

  describe('a Conv2D layer in a training step', () => {
    const xShape = [2, 6, 5, 3];
    const xs = seeded(size(xShape), 96);
    /** The layer's output and the gradients of sum(y · g) by its kernel (and bias), with `input` as the layer's input; and the kernels run. */
    async function convStep(backend: Backend, options: { useBias: boolean; input: 'data' | 'variable' }): Promise<{ values: number[][]; kernels: string[] }> {
      await initBackend(backend);
      const layer = tfl.layers.conv2d({ filters: 5, kernelSize: 3, strides: [2, 1], padding: 'same', useBias: options.useBias, kernelInitializer: tfl.initializers.glorotNormal({ seed: 7 }), biasInitializer: tfl.initializers.constant({ value: 0.5 }) });
      const x = options.input === 'variable' ? tf.variable(tf.tensor(xs, xShape)) : tf.tensor(xs, xShape);
      layer.build(x.shape);
      const y = layer.apply(x) as tf.Tensor;
      const g = tf.tensor(seeded(y.size, 97), y.shape);
      const weights = [...layer.trainableWeights.map((w) => w.read() as tf.Variable), ...(x instanceof tf.Variable ? [x] : [])];
      const { result, kernels } = recordingKernels(() => duringWasmTraining(() => tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, g)), weights)));
      const out = [y, ...weights.map((w) => result.grads[w.name] as tf.Tensor)];
      const values = await Promise.all(out.map(async (t) => Array.from(await t.data())));
      tf.dispose([x, g, result.value, ...out]);
      for (const w of layer.weights) w.dispose();
      return { values, kernels };
    }

    test('fed by data, it computes no input gradient; its output and filter gradient equal cpu’s', async () => {
      const cpu = await convStep('cpu', { useBias: false, input: 'data' });
      const wasm = await convStep('wasm', { useBias: false, input: 'data' });
      expect(cpu.kernels).toContain(Conv2DBackpropInput);
      expect(wasm.kernels).not.toContain(Conv2DBackpropInput);
      expect(wasm.kernels).toContain(Conv2DBackpropFilter);
      expect(wasm.values).toHaveLength(2);
      cpu.values.forEach((expected, i) => expectClose(wasm.values[i] ?? [], expected, ['y', 'dKernel'][i] ?? ''));
    });

    test.each([
      { name: 'fed by a variable', useBias: false, input: 'variable' as const },
      { name: 'with a bias (the layer’s own fused path)', useBias: true, input: 'data' as const },
    ])('$name, it computes the input gradient as tfjs does; gradients equal cpu’s', async (c) => {
      const cpu = await convStep('cpu', c);
      const wasm = await convStep('wasm', c);
      expect(wasm.kernels).toContain(Conv2DBackpropInput);
      expect(wasm.values).toHaveLength(3);
      cpu.values.forEach((expected, i) => expectClose(wasm.values[i] ?? [], expected, `output ${i}`));
    });
  });

  test('a conv + depthwise model’s loss falls under Adam', async () => {
    await initBackend('wasm');
    const model = convDepthwiseModel(31);
    const optimizer = tf.train.adam(0.02);
    const { x, y } = batch();
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true);
      losses.push((await loss!.data())[0] ?? Number.NaN);
      loss!.dispose();
    }
    const [first = Number.NaN] = losses;
    const last = losses[losses.length - 1] ?? Number.NaN;
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(0.6 * first);
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });
});
