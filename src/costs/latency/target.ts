/**
 * The latency target: a device profile's fitted cost functions as a CostTarget (ms). Each op uses the
 * fit of its exact signature when the profile swept it, else the pooled fit of its family, else the
 * profile's measured roofline; every op's cost is mapped through the profile's end-to-end calibration
 * (the part of its time alone that a network hides taken off, then scaled).
 */
import type { OpAlive } from '../../graph/alive.js';
import type { OpNode } from '../../graph/types.js';
import { ProfileError } from '../../errors.js';
import type { DeviceProfile, Geometry, OpProfile } from '../../profile/schema.js';
import { geometryOf, signatureOf } from '../../profile/signature.js';
import { measuresFor } from '../ops/registry.js';
import type { ChannelRange, CostTarget, OpCostFunction } from '../types.js';
import { fittedLatency } from './fitted.js';
import type { LatencyFunction } from './fitted.js';
import { familyKeyOf } from './registry.js';

/** Where an op's latency function came from. */
export type LatencySource = 'none' | 'signature' | 'neighbours' | 'family' | 'roofline';

/** A CostTarget in ms built from a device profile, telling where each op's function came from. */
export interface LatencyTarget extends CostTarget {
  readonly unit: 'ms';
  /** Network-level constant of the calibration (ms), added once to a network's total. */
  readonly fixedCost: number;
  sourceOf(op: OpNode): LatencySource;
  /** The channel counts the profile swept the op's exact configuration up to, where it swept it. */
  sweptRange(op: OpNode): ChannelRange | undefined;
}

/** True when a cost target is a device profile's latency. */
export function isLatencyTarget(target: CostTarget): target is LatencyTarget {
  return 'sourceOf' in target;
}

function rooflineLatency(profile: DeviceProfile, op: OpNode, batch: number): LatencyFunction | undefined {
  const roofline = profile.roofline;
  if (roofline === null) return undefined;
  const m = measuresFor(op.kind);
  const rate = roofline.gflops[op.kind] ?? roofline.gflops['conv2d'];
  if (rate === undefined) return undefined;
  const at = (aIn: number, aOut: number): OpAlive => ({ in: op.inputs.map(() => aIn), out: aOut });
  const value = (aIn: number, aOut: number): number =>
    aOut <= 0 ? 0 : roofline.overheadUs / 1000 + Math.max(m.flops(op, at(aIn, aOut), batch) / (rate * 1e6), m.bytes(op, at(aIn, aOut), batch) / (roofline.bandwidthGBps * 1e6));
  return {
    value,
    gradient: (aIn, aOut) => ({ dIn: value(aIn + 1, aOut) - value(aIn, aOut), dOut: value(aIn, aOut + 1) - value(aIn, aOut) }),
  };
}

/** An op that does no work in `predict` (the model's InputLayer). */
const NO_LATENCY: LatencyFunction = { value: () => 0, gradient: () => ({ dIn: 0, dOut: 0 }) };

function spatialSize(g: Geometry): number {
  return Math.max(1, g.outputShape.slice(0, -1).reduce((a, b) => a * b, 1));
}

/** How far apart two channel widths are, in log space. */
function widthDistance(a: number, b: number): number {
  return Math.abs(Math.log(Math.max(1, a) / Math.max(1, b)));
}

/**
 * The latency of an op whose signature was not swept, from the swept ops of its family key nearest to
 * it in spatial size and in input and output width (a dense head reading a 3136-feature map priced from
 * one reading 128 features came out at 7x its time on webgpu): each neighbour's fitted coefficients
 * evaluated on this op's own geometry, blended by inverse distance in log space.
 */
function neighbourLatency(ops: readonly OpProfile[], op: OpNode, g: Geometry, batch: number): LatencyFunction | undefined {
  const key = familyKeyOf(g);
  const size = spatialSize(g);
  const candidates = ops
    .filter((o) => o.fit !== null && familyKeyOf(o.geometry) === key)
    .map((o) => ({ o, d: Math.abs(Math.log(spatialSize(o.geometry) / size)) + 0.5 * (widthDistance(o.maxIn, op.inChannels) + widthDistance(o.maxOut, op.outChannels)) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 2);
  if (candidates.length === 0) return undefined;
  const parts = candidates.map(({ o, d }) => ({ fn: fittedLatency({ ...o.fit!, residuals: [] }, g, batch, op.inChannels, op.outChannels), w: 1 / (d + 0.05) }));
  const total = parts.reduce((s, p) => s + p.w, 0);
  return {
    value: (aIn, aOut) => parts.reduce((s, p) => s + p.w * p.fn.value(aIn, aOut), 0) / total,
    gradient: (aIn, aOut) => {
      const gs = parts.map((p) => ({ g: p.fn.gradient(aIn, aOut), w: p.w }));
      return { dIn: gs.reduce((s, p) => s + p.w * p.g.dIn, 0) / total, dOut: gs.reduce((s, p) => s + p.w * p.g.dOut, 0) / total };
    },
  };
}

function inputAlive(op: OpNode, alive: OpAlive): number {
  if (alive.in.length === 0) return alive.out;
  return op.kind === 'concat' ? alive.in.reduce((a, b) => a + b, 0) : Math.max(...alive.in);
}

/** Builds the latency target of a profile at batch `batch` (the profile's own batch by default). */
export function latencyTarget(profile: DeviceProfile, options: { batch?: number } = {}): LatencyTarget {
  const batch = options.batch ?? profile.batch;
  const bySignature = new Map(profile.ops.filter((o) => o.fit !== null).map((o) => [o.signature, o]));
  const byFamily = new Map(profile.families.map((f) => [f.key, f.fit]));
  const scale = profile.calibration?.scale ?? 1;
  const perOpMs = profile.calibration?.perOpMs ?? 0;
  const hiddenMs = profile.calibration?.hiddenMs ?? 0;

  const resolve = (op: OpNode): { fn: LatencyFunction; source: LatencySource } => {
    if (op.kind === 'input') return { fn: NO_LATENCY, source: 'none' };
    const g: Geometry = geometryOf(op);
    const exact = bySignature.get(signatureOf(g));
    if (exact?.fit) return { fn: fittedLatency(exact.fit, g, batch, exact.maxIn, exact.maxOut), source: 'signature' };
    const neighbours = neighbourLatency(profile.ops, op, g, batch);
    if (neighbours !== undefined) return { fn: neighbours, source: 'neighbours' };
    const family = byFamily.get(familyKeyOf(g));
    if (family !== undefined) return { fn: fittedLatency({ ...family, residuals: [] }, g, batch, op.inChannels, op.outChannels), source: 'family' };
    const roofline = rooflineLatency(profile, op, batch);
    if (roofline !== undefined) return { fn: roofline, source: 'roofline' };
    throw new ProfileError(`profile \`${profile.name}\` has no latency for layer \`${op.name}\` (${op.className}) and no roofline to fall back on`);
  };

  return {
    name: 'latency',
    unit: 'ms',
    fixedCost: profile.calibration?.offsetMs ?? 0,
    sourceOf: (op) => resolve(op).source,
    sweptRange(op) {
      if (op.kind === 'input') return undefined;
      const swept = bySignature.get(signatureOf(geometryOf(op)));
      return swept === undefined ? undefined : { maxIn: swept.maxIn, maxOut: swept.maxOut };
    },
    forOp(op): OpCostFunction {
      const { fn } = resolve(op);
      const multi = op.inputs.length > 1;
      return {
        value(alive) {
          if (alive.out <= 0 || op.kind === 'input') return 0;
          return scale * Math.max(0, fn.value(inputAlive(op, alive), alive.out) - hiddenMs) + perOpMs;
        },
        gradient(alive) {
          if (hiddenMs > 0 && fn.value(inputAlive(op, alive), alive.out) <= hiddenMs) return { in: alive.in.map(() => 0), out: 0 };
          const g = fn.gradient(inputAlive(op, alive), alive.out);
          const dIn = alive.in.map(() => (scale * g.dIn) / (multi && op.kind === 'add' ? alive.in.length : 1));
          return { in: dIn, out: scale * g.dOut };
        },
      };
    },
  };
}
