/** The table from op kind to latency feature family, with moving activations as the default. */
import type { OpKind } from '../../graph/types.js';
import { convFamily } from './conv.js';
import { denseFamily } from './dense.js';
import { depthwiseFamily } from './depthwise.js';
import { elementwiseFamily } from './elementwise.js';
import { separableFamily } from './separable.js';
import type { LatencyFamily } from './types.js';
import { viewFamily } from './view.js';

const FAMILIES: Partial<Readonly<Record<OpKind, LatencyFamily>>> = {
  conv2d: convFamily,
  depthwise: depthwiseFamily,
  separable: separableFamily,
  dense: denseFamily,
  input: viewFamily,
  flatten: viewFamily,
  reshape: viewFamily,
  dropout: viewFamily,
};

/** The latency family of an op kind. */
export function latencyFamilyFor(kind: string): LatencyFamily {
  return FAMILIES[kind as OpKind] ?? elementwiseFamily;
}

/**
 * The key of the pooled fit an op falls back to when its exact signature was not swept: family,
 * layer class and activation for data movers, family and kernel and stride for convolutions.
 */
export function familyKeyOf(g: { kind: string; className: string; kernel: readonly number[]; strides: readonly number[]; activation: string }): string {
  const family = latencyFamilyFor(g.kind);
  if (family === elementwiseFamily || family === viewFamily) return `${family.name}|${g.className}|${g.activation}`;
  if (family === denseFamily) return family.name;
  return `${family.name}|k=${g.kernel.join('x')}|s=${g.strides.join('x')}`;
}
