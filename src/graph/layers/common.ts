/**
 * Helpers shared by the layer readers: reading numbers and pairs out of a layer config, and an op with
 * neutral geometry that each reader overrides.
 */
import { UnsupportedLayerError } from '../../errors.js';
import type { LayerView, OpKind, OpNode, Padding, Shape } from '../types.js';

/** The last dimension of a shape (its channels). */
export function channelsOf(shape: Shape): number {
  return shape[shape.length - 1] ?? 0;
}

/** An op for `layer` with neutral geometry; readers spread their own fields over it. */
export function baseOp(layer: LayerView, kind: OpKind): OpNode {
  const first = layer.inputShapes[0] ?? [];
  return {
    name: layer.name,
    className: layer.className,
    kind,
    inputs: layer.inputs,
    inputShapes: layer.inputShapes,
    outputShape: layer.outputShape,
    inChannels: channelsOf(first),
    outChannels: channelsOf(layer.outputShape),
    kernel: [1, 1],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
    depthMultiplier: 1,
    useBias: false,
    activation: 'linear',
    ownsChannels: false,
  };
}

/** A [h, w] pair from a config value that may be a number or a pair. */
export function pairOf(layer: LayerView, field: string, fallback: number): [number, number] {
  const v = layer.config[field];
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0] as number, v[1] as number];
  throw new UnsupportedLayerError(layer.name, layer.className, `\`${field}\` must be a number or a pair, got ${JSON.stringify(v)}`);
}

/** The padding mode of a convolution or pooling layer. */
export function paddingOf(layer: LayerView): Padding {
  const p = layer.config['padding'] ?? 'valid';
  if (p === 'same' || p === 'valid') return p;
  throw new UnsupportedLayerError(layer.name, layer.className, `padding \`${String(p)}\` is not supported (same or valid)`);
}

/** Refuses channels-first layouts: morphlat reads NHWC models. */
export function requireChannelsLast(layer: LayerView): void {
  const f = layer.config['dataFormat'];
  if (f !== undefined && f !== null && f !== 'channelsLast') {
    throw new UnsupportedLayerError(layer.name, layer.className, `dataFormat \`${String(f)}\` is not supported (channelsLast only)`);
  }
}

/** The name of an activation config value (`linear` when absent). */
export function activationOf(layer: LayerView): string {
  const a = layer.config['activation'];
  if (a === undefined || a === null) return 'linear';
  if (typeof a === 'string') return a;
  if (typeof a === 'object' && a !== null && 'className' in a) return String((a as { className: unknown }).className);
  return String(a);
}

/** A boolean config value with a default. */
export function flagOf(layer: LayerView, field: string, fallback: boolean): boolean {
  const v = layer.config[field];
  return typeof v === 'boolean' ? v : fallback;
}

/** A positive integer config value with a default. */
export function intOf(layer: LayerView, field: string, fallback: number): number {
  const v = layer.config[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw new UnsupportedLayerError(layer.name, layer.className, `\`${field}\` must be a positive integer, got ${JSON.stringify(v)}`);
}
