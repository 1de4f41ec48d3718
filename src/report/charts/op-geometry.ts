/**
 * A profiled op as an op of the graph again, at chosen channel counts, so MorphNet's analytic measures
 * (FLOPs, bytes) apply to a profile's samples; and how its channel axes relate.
 */
import type { OpAlive } from '../../graph/alive.js';
import type { OpKind, OpNode } from '../../graph/types.js';
import type { Geometry, OpProfile } from '../../profile/schema.js';

const OWNS_CHANNELS: ReadonlySet<string> = new Set(['conv2d', 'separable', 'dense']);

/** True when the op's output channels are its own (conv, separable, dense), so latency has two channel axes. */
export function hasTwoChannelAxes(g: Geometry): boolean {
  return OWNS_CHANNELS.has(g.kind);
}

/** The op of geometry `g` at `aIn` input and `aOut` output channels, with its alive counts. */
export function opAt(g: Geometry, aIn: number, aOut: number): { op: OpNode; alive: OpAlive } {
  const k = g.inputShapes.length;
  const inputs = g.kind === 'concat' ? Array.from({ length: k }, (_, i) => Math.floor(aIn / k) + (i < aIn % k ? 1 : 0)) : g.inputShapes.map(() => aIn);
  const op: OpNode = {
    name: g.className,
    className: g.className,
    kind: g.kind as OpKind,
    inputs: g.inputShapes.map((_, i) => `input${i}`),
    inputShapes: g.inputShapes,
    outputShape: g.outputShape,
    inChannels: aIn,
    outChannels: aOut,
    kernel: g.kernel,
    strides: g.strides,
    dilation: g.dilation,
    padding: g.padding,
    depthMultiplier: g.depthMultiplier,
    useBias: g.useBias,
    activation: g.activation,
    ownsChannels: hasTwoChannelAxes(g),
  };
  return { op, alive: { in: inputs, out: aOut } };
}

/** A short name of a profiled op: class, spatial sizes, kernel and stride, and the layers it stands for. */
export function opLabel(o: OpProfile): string {
  const g = o.geometry;
  const spatial = (s: readonly number[]): string => s.slice(0, -1).join('×') || '1';
  const conv = g.kernel[0] * g.kernel[1] > 1 || g.strides[0] > 1 ? ` k${g.kernel.join('×')} s${g.strides.join('×')}` : '';
  const act = g.activation === 'linear' ? '' : ` ${g.activation}`;
  return `${g.className} ${g.inputShapes.map(spatial).join('+')}→${spatial(g.outputShape)}${conv}${act}`;
}
