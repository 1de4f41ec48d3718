/** Small models for the morph tests, and setting a layer's weight (gammas, kernels) to known values. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ChannelGroup } from '../../src/morph/index.js';

type T = tfl.SymbolicTensor;

/** A value below morph-net's 1e-2 threshold, exact in float32 (2⁻⁹). */
export const DEAD = 0.001953125;

/** Replaces `layer`'s weight `<layer>/<role>` by `values` (same shape) through `layer.setWeights`. */
export function setWeight(model: tfl.LayersModel, layer: string, role: string, values: readonly number[]): void {
  const l = model.getLayer(layer);
  const index = l.weights.findIndex((w) => w.originalName.endsWith(`/${role}`));
  if (index < 0) throw new Error(`test setup: layer \`${layer}\` has no weight \`${role}\``);
  const current = l.getWeights();
  const shape = current[index]?.shape ?? [];
  l.setWeights(current.map((w, i) => (i === index ? tf.tensor(values as number[], shape) : w)));
}

/** Sets the gammas of BatchNormalization `layer`. */
export function setGammas(model: tfl.LayersModel, layer: string, gammas: readonly number[]): void {
  setWeight(model, layer, 'gamma', gammas);
}

/** The group that holds output channels of `op`; fails the test when there is none. */
export function groupWith(groups: readonly ChannelGroup[], op: string): ChannelGroup {
  const g = groups.find((group) => group.members.some((m) => m.op === op));
  if (g === undefined) throw new Error(`test setup: no group holds \`${op}\``);
  return g;
}

/** [[0], [1], ..., [n-1]]: one channel per position. */
export function oneEach(n: number, from = 0): number[][] {
  return Array.from({ length: n }, (_, j) => [from + j]);
}

function convBn(x: T, name: string, filters: number, kernelSize: number): T {
  const y = tfl.layers.conv2d({ name, filters, kernelSize, padding: 'same', useBias: false }).apply(x) as T;
  return tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(y) as T;
}

/**
 * input [6,6,2] → conv a (4) → a_bn → a_relu → depthwise dw (multiplier 2, 8 channels) → dw_bn → dw_relu
 * → conv b (5, 1x1) → b_bn → gap → logits (3).
 */
export function depthwiseMultiplier2Model(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2], name: 'input' });
  const a = tfl.layers.reLU({ name: 'a_relu' }).apply(convBn(input, 'a', 4, 3)) as T;
  const dw = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: false }).apply(a) as T;
  const dwOut = tfl.layers.reLU({ name: 'dw_relu' }).apply(tfl.layers.batchNormalization({ name: 'dw_bn' }).apply(dw)) as T;
  const b = convBn(dwOut, 'b', 5, 1);
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(b) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 3 }).apply(pooled) as T });
}

/** input [4,4,2] → conv c (3) → c_bn → flatten (48) → dense h (5) → dense logits (2). */
export function flattenDenseModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 2], name: 'input' });
  const flat = tfl.layers.flatten({ name: 'flatten' }).apply(convBn(input, 'c', 3, 3)) as T;
  const h = tfl.layers.dense({ name: 'h', units: 5 }).apply(flat) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 2 }).apply(h) as T });
}

/**
 * input [8,8,3] → conv a (6, 3x3) → a_bn → a_relu, then two branches from a_relu: conv b (5, 3x3) → b_bn
 * and conv p (5, 1x1) → p_bn, joined by Add `sum` → sum_relu → depthwise dw (3x3) → dw_bn → dw_relu →
 * conv c (4, 1x1) → c_bn → c_relu → gap → logits (3). Groups: A = a's channels; B = b, p, sum, dw
 * (sources b_bn, p_bn, dw_bn); C = c's channels.
 */
export function branchyModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3], name: 'input' });
  const a = tfl.layers.reLU({ name: 'a_relu' }).apply(convBn(input, 'a', 6, 3)) as T;
  const sum = tfl.layers.add({ name: 'sum' }).apply([convBn(a, 'b', 5, 3), convBn(a, 'p', 5, 1)]) as T;
  const s = tfl.layers.reLU({ name: 'sum_relu' }).apply(sum) as T;
  const dw = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same', useBias: false }).apply(s) as T;
  const d = tfl.layers.reLU({ name: 'dw_relu' }).apply(tfl.layers.batchNormalization({ name: 'dw_bn' }).apply(dw)) as T;
  const c = tfl.layers.reLU({ name: 'c_relu' }).apply(convBn(d, 'c', 4, 1)) as T;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(c) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'logits', units: 3 }).apply(pooled) as T });
}
