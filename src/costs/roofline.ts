/**
 * MorphNet's spec-sheet roofline latency: per op max(FLOPs/peak, bytes/bandwidth), with MorphNet's
 * hardware table.
 */
import { UsageError } from '../errors.js';
import { oneChannelGradient } from './difference.js';
import { measuresFor } from './ops/registry.js';
import type { CostTarget } from './types.js';

/** A device's spec-sheet peak compute and memory bandwidth. */
export interface Hardware {
  readonly peakGflops: number;
  readonly bandwidthGBps: number;
}

/** MorphNet's hardware table. */
export const HARDWARE: Readonly<Record<string, Hardware>> = {
  K80: { peakGflops: 8740, bandwidthGBps: 480 },
  P4: { peakGflops: 5500, bandwidthGBps: 192 },
  T4: { peakGflops: 8100, bandwidthGBps: 300 },
  P100: { peakGflops: 9300, bandwidthGBps: 732 },
  V100: { peakGflops: 125000, bandwidthGBps: 900 },
  TPUv2: { peakGflops: 22500, bandwidthGBps: 300 },
};

/** The hardware called `name` (case-insensitive); UsageError listing the table otherwise. */
export function hardwareNamed(name: string): { name: string; hardware: Hardware } {
  const key = Object.keys(HARDWARE).find((k) => k.toLowerCase() === name.toLowerCase());
  const hardware = key === undefined ? undefined : HARDWARE[key];
  if (key === undefined || hardware === undefined) {
    throw new UsageError(`unknown roofline hardware \`${name}\`; choose one of ${Object.keys(HARDWARE).join(', ')}`);
  }
  return { name: key, hardware };
}

/** Roofline latency in ms on `hardware` at batch `batch`. */
export function rooflineTarget(hardwareName: string, batch = 1): CostTarget {
  const { name, hardware } = hardwareNamed(hardwareName);
  const flopsPerMs = hardware.peakGflops * 1e6;
  const bytesPerMs = hardware.bandwidthGBps * 1e6;
  return {
    name: `roofline:${name}`,
    unit: 'ms',
    forOp(op) {
      const m = measuresFor(op.kind);
      const value = (alive: Parameters<typeof m.flops>[1]): number =>
        Math.max(m.flops(op, alive, batch) / flopsPerMs, m.bytes(op, alive, batch) / bytesPerMs);
      return { value, gradient: (alive) => oneChannelGradient(value, alive) };
    },
  };
}
