/**
 * What to sweep: the distinct op signatures of a model (or a generic set of common configurations),
 * each with a channel range, and the channel points to time in that range: dense along one axis for
 * ops with tied channels, a seeded design mixing aligned and unaligned counts for two-axis ops.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { buildGraph, configOf } from '../src/graph/build.js';
import { channelSource, tieGroups } from '../src/graph/ties.js';
import type { OpGraph, OpNode } from '../src/graph/types.js';
import { latencyFamilyFor } from '../src/costs/latency/registry.js';
import type { Geometry } from '../src/profile/schema.js';
import { geometryOf, signatureOf } from '../src/profile/signature.js';
import { derivedOut } from './probe.js';
import { randomInt, seededRandom } from './random.js';

/** One signature to sweep. */
export interface SweepItem {
  readonly signature: string;
  readonly geometry: Geometry;
  readonly maxIn: number;
  readonly maxOut: number;
  readonly layers: readonly string[];
  /**
   * Input channel counts below the swept range to time as well: a network's first conv sees its
   * image's 1 or 3 channels, which a generic range starting at a few channels would extrapolate to
   * (on webgpu the generic profile put resnet-mini's 1-channel stem at 3x its time).
   */
  readonly imageInputs?: readonly number[];
}

/** A channel point: alive input and output channels. */
export type ChannelPoint = readonly [number, number];

/** True when the op's time depends on both channel axes independently. */
export function isTwoAxis(g: Geometry): boolean {
  return g.kind === 'conv2d' || g.kind === 'separable' || g.kind === 'dense';
}

function layerConfig(model: tfl.LayersModel, op: OpNode): Record<string, unknown> {
  return configOf(model.getLayer(op.name));
}

/**
 * The ops of a graph whose output channels no structure changes: those that carry the model input's
 * channels, and those of a tie group that cannot be resized (a model output such as the logits).
 */
function fixedChannelOps(graph: OpGraph): Set<string> {
  const fixedOwners = new Set(tieGroups(graph).flatMap((g) => (g.resizable ? [] : g.owners)));
  return new Set(
    graph.ops
      .filter((op) => {
        const source = channelSource(graph, op.name);
        return source === undefined || source.kind === 'input' || fixedOwners.has(source.name);
      })
      .map((op) => op.name),
  );
}

/** `channels` widened by `headroom`, rounded up to a multiple of 4 (the widest point of a sweep lands aligned). */
function widened(channels: number, headroom: number): number {
  return headroom <= 1 ? channels : 4 * Math.ceil((channels * headroom) / 4);
}

/**
 * The distinct signatures of a model's ops (inputs excluded), with the widest channel range of each.
 * With `headroom` above 1, each channel axis a structure can widen is swept that much past the model's
 * own width (the image's channels and the logits stay as they are), so that a device's cliffs just
 * past a seed's widths are measured, not extrapolated.
 */
export function modelSweepItems(model: tfl.LayersModel, options: { readonly graph?: OpGraph; readonly headroom?: number } = {}): SweepItem[] {
  const graph = options.graph ?? buildGraph(model);
  const headroom = options.headroom ?? 1;
  const fixed = headroom > 1 ? fixedChannelOps(graph) : new Set<string>();
  const byName = new Map(graph.ops.map((op) => [op.name, op]));
  const items = new Map<string, { geometry: Geometry; maxIn: number; maxOut: number; layers: string[] }>();
  for (const op of graph.ops) {
    if (op.kind === 'input') continue;
    const geometry = geometryOf(op, layerConfig(model, op));
    const signature = signatureOf(geometry);
    const inputFixed = op.inputs.every((name) => fixed.has(name) || byName.get(name) === undefined);
    const maxIn = inputFixed ? op.inChannels : widened(op.inChannels, headroom);
    const maxOut = fixed.has(op.name) ? op.outChannels : widened(op.outChannels, headroom);
    const item = items.get(signature);
    if (item === undefined) items.set(signature, { geometry, maxIn, maxOut, layers: [op.name] });
    else {
      item.maxIn = Math.max(item.maxIn, maxIn);
      item.maxOut = Math.max(item.maxOut, maxOut);
      item.layers.push(op.name);
    }
  }
  return [...items].map(([signature, i]) => ({ signature, ...i }));
}

/** Channel points for an item: `count` points from a few channels up to its widths, seeded. */
export function channelPoints(item: SweepItem, count: number, seed: number): ChannelPoint[] {
  const g = item.geometry;
  const rand = seededRandom(seed);
  const loIn = Math.max(1, Math.ceil(item.maxIn / 16));
  const loOut = Math.max(1, Math.ceil(item.maxOut / 16));
  const points = new Map<string, ChannelPoint>();
  const add = (aIn: number, aOut: number): void => {
    points.set(`${aIn},${aOut}`, [aIn, aOut]);
  };
  if (g.kind === 'reshape') {
    add(item.maxIn, item.maxOut);
    return [...points.values()];
  }
  if (!isTwoAxis(g)) {
    const span = item.maxIn - loIn + 1;
    const stride = Math.max(1, span / Math.max(1, count - 1));
    for (let x = item.maxIn; x >= loIn; x -= stride) {
      const aIn = Math.round(x);
      add(aIn, derivedOut(g, aIn, aIn));
    }
    add(loIn, derivedOut(g, loIn, loIn));
    return [...points.values()];
  }
  const align = (v: number, lo: number, hi: number): number => (rand() < 0.5 ? Math.min(hi, Math.max(lo, Math.round(v / 4) * 4 || 4)) : v);
  const pick = (lo: number, hi: number): number => align(randomInt(rand, lo, hi), lo, hi);
  const head = isHead(item);
  const headLoIn = Math.max(1, Math.ceil(item.maxIn / HEAD_INPUT_SPAN));
  const pickIn = head
    ? (): number => align(Math.round(Math.exp(Math.log(headLoIn) + rand() * Math.log(item.maxIn / headLoIn))), headLoIn, item.maxIn)
    : (): number => pick(loIn, item.maxIn);
  add(item.maxIn, item.maxOut);
  add(head ? headLoIn : loIn, loOut);
  for (const channels of item.imageInputs ?? []) {
    add(channels, item.maxOut);
    if (count >= 16) add(channels, pick(loOut, item.maxOut));
  }
  for (let tries = 0; points.size < count && tries < count * 20; tries++) {
    add(pickIn(), pick(loOut, item.maxOut));
  }
  return [...points.values()];
}

/** How far below its widest input a head's sweep reaches: a flattened feature map narrows by its spatial size. */
const HEAD_INPUT_SPAN = 64;

/**
 * A dense layer reading many more features than it outputs (a classifier head after Flatten): its
 * inputs are swept log-uniformly over `HEAD_INPUT_SPAN`, since they scale with a whole feature map.
 */
function isHead(item: SweepItem): boolean {
  return item.geometry.kind === 'dense' && item.maxIn > 4 * item.maxOut;
}

function singleLayerItem(layer: tfl.layers.Layer, inputShape: number[], inputs = 1): SweepItem {
  const ins = Array.from({ length: inputs }, () => tfl.input({ shape: inputShape }));
  const out = layer.apply(ins.length === 1 ? ins[0]! : ins) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: ins, outputs: out });
  const op = buildGraph(model).ops.find((o) => o.name === layer.name);
  if (op === undefined) throw new Error(`probe layer ${layer.name} missing`);
  const geometry = geometryOf(op, configOf(layer));
  return { signature: signatureOf(geometry), geometry, maxIn: op.inChannels, maxOut: op.outChannels, layers: [] };
}

/** Channels of the images a network's first conv reads: grayscale and RGB. */
const IMAGE_CHANNELS = [1, 3];

/**
 * Common configurations for models not seen: each op kind over spatial sizes, kernels 1/3/5/7 and
 * strides 1/2, at widths typical of small mobile models; strided convs double their channels, as
 * they do in most networks (a stage's first conv, a residual projection). Ops that are cheap to time
 * (1x1 convs, depthwise convs, the data movers) are swept to 2-4 times the 3x3 convs' width, covering
 * the expanded widths of inverted residual blocks instead of extrapolating to them. Convs are also
 * timed on 1 and 3 input channels, as a network's first layer reads them.
 */
export function genericSweepItems(): SweepItem[] {
  const items: SweepItem[] = [];
  const sizes = [28, 14, 7];
  for (const size of sizes) {
    const width = size === 28 ? 32 : size === 14 ? 64 : 128;
    const wide = 4 * width;
    for (const k of [1, 3, 5, 7]) {
      const w = k === 1 ? 2 * width : width;
      for (const s of [1, 2]) {
        const filters = s === 2 ? 2 * w : w;
        const conv = singleLayerItem(tfl.layers.conv2d({ filters, kernelSize: k, strides: s, padding: 'same', useBias: false }), [size, size, w]);
        items.push({ ...conv, imageInputs: IMAGE_CHANNELS });
      }
    }
    for (const k of [3, 5]) {
      for (const s of [1, 2]) {
        items.push(singleLayerItem(tfl.layers.depthwiseConv2d({ kernelSize: k, strides: s, padding: 'same', useBias: false }), [size, size, wide]));
      }
    }
    items.push(singleLayerItem(tfl.layers.batchNormalization({}), [size, size, wide]));
    items.push(singleLayerItem(tfl.layers.reLU({}), [size, size, wide]));
    items.push(singleLayerItem(tfl.layers.reLU({ maxValue: 6 }), [size, size, wide]));
    items.push(singleLayerItem(tfl.layers.add({}), [size, size, wide], 2));
    items.push(singleLayerItem(tfl.layers.concatenate({}), [size, size, wide / 2], 2));
    items.push(singleLayerItem(tfl.layers.maxPooling2d({ poolSize: 2 }), [size, size, wide]));
    items.push(singleLayerItem(tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }), [size, size, wide]));
    items.push(singleLayerItem(tfl.layers.globalAveragePooling2d({}), [size, size, wide]));
    items.push(singleLayerItem(tfl.layers.flatten({}), [size, size, width]));
  }
  items.push(singleLayerItem(tfl.layers.separableConv2d({ filters: 64, kernelSize: 3, padding: 'same' }), [14, 14, 64]));
  // Dense layers: a hidden one, and a classifier head reading a flattened 7x7x64 map (or, at its
  // narrow end, a pooled one).
  items.push(singleLayerItem(tfl.layers.dense({ units: 128 }), [256]));
  items.push(singleLayerItem(tfl.layers.dense({ units: 10, activation: 'softmax' }), [7 * 7 * 64]));
  items.push(singleLayerItem(tfl.layers.dropout({ rate: 0.5 }), [7, 7, 128]));
  items.push(singleLayerItem(tfl.layers.zeroPadding2d({ padding: 1 }), [14, 14, 64]));
  return uniqueSignatures(items);
}

/** Items of one signature merged into one over their widest ranges: a profile holds one sweep per signature. */
function uniqueSignatures(items: readonly SweepItem[]): SweepItem[] {
  const bySignature = new Map<string, SweepItem>();
  for (const item of items) {
    const seen = bySignature.get(item.signature);
    bySignature.set(item.signature, seen === undefined ? item : { ...seen, maxIn: Math.max(seen.maxIn, item.maxIn), maxOut: Math.max(seen.maxOut, item.maxOut) });
  }
  return [...bySignature.values()];
}

/** The family name of an item's op, for planning. */
export function familyOf(item: SweepItem): string {
  return latencyFamilyFor(item.geometry.kind).name;
}
