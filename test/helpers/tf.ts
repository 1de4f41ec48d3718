/** Shared helpers for tests that build tfjs-layers models: the cpu backend and small reference models. */
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backends/index.js';
import { buildGraph, opByName } from '../../src/graph/index.js';
import type { OpGraph, OpNode } from '../../src/graph/index.js';

/** Starts the cpu backend (models need one to create their weights). */
export async function useCpu(): Promise<void> {
  await initBackend('cpu');
}

/** The op called `name` in `graph`; fails the test when there is none. */
export function op(graph: OpGraph, name: string): OpNode {
  const found = opByName(graph, name);
  if (found === undefined) throw new Error(`test setup: no op \`${name}\` in the graph`);
  return found;
}

/**
 * morph-net's reference conv: 19 filters, kernel 7x5, stride 2, on an [11, 13, 17] input, with the
 * given padding. Returns its graph and the conv op.
 */
export function referenceConv(padding: 'same' | 'valid' = 'same'): { graph: OpGraph; conv: OpNode } {
  const input = tfl.input({ shape: [11, 13, 17], name: 'x' });
  const y = tfl.layers.conv2d({ filters: 19, kernelSize: [7, 5], strides: 2, padding, name: 'conv' }).apply(input) as tfl.SymbolicTensor;
  const graph = buildGraph(tfl.model({ inputs: input, outputs: y }));
  return { graph, conv: op(graph, 'conv') };
}

/** |actual − expected| within `rel` of |expected| (exact when expected is 0). */
export function relClose(actual: number, expected: number, rel = 1e-12): boolean {
  return Math.abs(actual - expected) <= rel * Math.abs(expected);
}
