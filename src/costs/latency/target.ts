/**
 * The latency target: a device profile's fitted cost functions as a CostTarget (ms). Each op uses the
 * fit of its exact signature when the profile swept it, else the pooled fit of its family, else the
 * profile's measured roofline; every op's cost is scaled by the profile's end-to-end calibration.
 */
import type { OpAlive } from '../../graph/alive.js';
import type { OpNode } from '../../graph/types.js';
import { ProfileError } from '../../errors.js';
import type { DeviceProfile, Geometry } from '../../profile/schema.js';
import { geometryOf, signatureOf } from '../../profile/signature.js';
import { measuresFor } from '../ops/registry.js';
import type { CostTarget, OpCostFunction } from '../types.js';
import { fittedLatency } from './fitted.js';
import type { LatencyFunction } from './fitted.js';
import { familyKeyOf } from './registry.js';

/** Where an op's latency function came from. */
export type LatencySource = 'signature' | 'family' | 'roofline';

/** A CostTarget in ms built from a device profile, telling where each op's function came from. */
export interface LatencyTarget extends CostTarget {
  readonly unit: 'ms';
  /** Network-level constant of the calibration (ms), added once to a network's total. */
  readonly fixedCost: number;
  sourceOf(op: OpNode): LatencySource;
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

  const resolve = (op: OpNode): { fn: LatencyFunction; source: LatencySource } => {
    const g: Geometry = geometryOf(op);
    const exact = bySignature.get(signatureOf(g));
    if (exact?.fit) return { fn: fittedLatency(exact.fit, g, batch, exact.maxIn, exact.maxOut), source: 'signature' };
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
    forOp(op): OpCostFunction {
      const { fn } = resolve(op);
      const multi = op.inputs.length > 1;
      return {
        value(alive) {
          if (alive.out <= 0) return 0;
          return scale * fn.value(inputAlive(op, alive), alive.out) + perOpMs;
        },
        gradient(alive) {
          const g = fn.gradient(inputAlive(op, alive), alive.out);
          const dIn = alive.in.map(() => (scale * g.dIn) / (multi && op.kind === 'add' ? alive.in.length : 1));
          return { in: dIn, out: scale * g.dOut };
        },
      };
    },
  };
}
