/**
 * The signature of an op: everything its latency depends on except its channel counts. Ops of a model
 * with the same signature share one latency fit.
 */
import type { OpNode } from '../graph/types.js';
import type { Geometry } from './schema.js';

const CHANNEL_FIELDS = ['filters', 'units', 'name', 'inputShape', 'batchInputShape', 'dtype', 'trainable'];

/** The geometry of an op (shapes without channels kept whole, for feature computation). */
export function geometryOf(op: OpNode, config: Readonly<Record<string, unknown>> = {}): Geometry {
  const kept = Object.fromEntries(Object.entries(config).filter(([k]) => !CHANNEL_FIELDS.includes(k) && !k.endsWith('Initializer')));
  return {
    kind: op.kind,
    className: op.className,
    inputShapes: op.inputShapes.map((s) => [...s]),
    outputShape: [...op.outputShape],
    kernel: [op.kernel[0], op.kernel[1]],
    strides: [op.strides[0], op.strides[1]],
    dilation: [op.dilation[0], op.dilation[1]],
    padding: op.padding,
    depthMultiplier: op.depthMultiplier,
    useBias: op.useBias,
    activation: op.activation,
    config: kept,
  };
}

function spatial(shape: readonly number[]): string {
  return shape.slice(0, -1).join('x') || '1';
}

/** A stable string naming the op's signature. */
export function signatureOf(g: Geometry): string {
  return [
    g.className,
    `in=${g.inputShapes.map(spatial).join('+')}`,
    `out=${spatial(g.outputShape)}`,
    `k=${g.kernel.join('x')}`,
    `s=${g.strides.join('x')}`,
    `d=${g.dilation.join('x')}`,
    `p=${g.padding}`,
    `m=${g.depthMultiplier}`,
    `act=${g.activation}`,
    `bias=${g.useBias ? 1 : 0}`,
  ].join('|');
}
