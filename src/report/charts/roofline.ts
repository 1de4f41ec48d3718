/**
 * A device's measured roofline: attainable GFLOP/s against arithmetic intensity (FLOPs per byte) for
 * each op kind's measured compute rate and the measured bandwidth, with every profiled compute op
 * placed at its measured points; and beside it, the ops that only move data, as achieved bandwidth
 * against bytes moved under the bandwidth and per-kernel overhead limit.
 */
import type { TopLevelSpec } from 'vega-lite';
import { measuresFor } from '../../costs/ops/registry.js';
import type { DeviceProfile } from '../../profile/schema.js';
import { opAt, opLabel } from './op-geometry.js';
import type { Chart } from './types.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './types.js';

/** A measured op point on the roofline. */
export interface RooflinePoint {
  readonly kind: string;
  readonly op: string;
  readonly aIn: number;
  readonly aOut: number;
  readonly flops: number;
  readonly bytes: number;
  /** FLOPs per byte. */
  readonly intensity: number;
  readonly gflops: number;
  readonly gbps: number;
  readonly ms: number;
}

/** Every measured sample of the profile's ops with its FLOPs, bytes and achieved rates. */
export function rooflinePoints(profile: DeviceProfile): RooflinePoint[] {
  return profile.ops.flatMap((o) =>
    [...o.samples, ...o.heldOut].map(([aIn, aOut, ms]) => {
      const { op, alive } = opAt(o.geometry, aIn, aOut);
      const m = measuresFor(op.kind);
      const flops = m.flops(op, alive, profile.batch);
      const bytes = m.bytes(op, alive, profile.batch);
      return { kind: o.geometry.kind, op: opLabel(o), aIn, aOut, flops, bytes, intensity: bytes > 0 ? flops / bytes : 0, gflops: flops / (ms * 1e6), gbps: bytes / (ms * 1e6), ms };
    }),
  );
}

function logSpace(lo: number, hi: number, n: number): number[] {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
}

/** The roofline chart of a profile; throws nothing, but a profile without a roofline gets points only. */
export function rooflineChart(profile: DeviceProfile, name = 'roofline'): Chart {
  const points = rooflinePoints(profile);
  const compute = points.filter((p) => p.flops > 0);
  const movers = points.filter((p) => p.flops === 0 && p.bytes > 0);
  const roof = profile.roofline;
  const intensities = compute.map((p) => p.intensity);
  const ridges = roof === null ? [] : Object.values(roof.gflops).map((g) => g / roof.bandwidthGBps);
  const iLo = Math.min(0.1, ...intensities, ...ridges) / 2;
  const iHi = Math.max(10, ...intensities, ...ridges) * 2;
  const roofLines =
    roof === null
      ? []
      : Object.entries(roof.gflops).flatMap(([kind, peak]) => logSpace(iLo, iHi, 80).map((intensity) => ({ kind, intensity, gflops: Math.min(peak, roof.bandwidthGBps * intensity) })));
  const bytes = movers.map((p) => p.bytes);
  const bLo = Math.min(1e3, ...bytes) / 2;
  const bHi = Math.max(1e6, ...bytes) * 2;
  const overheadMs = (roof?.overheadUs ?? 0) / 1000;
  const moverLimit =
    roof === null ? [] : logSpace(bLo, bHi, 80).map((b) => ({ bytes: b, gbps: b / ((overheadMs + b / (roof.bandwidthGBps * 1e6)) * 1e6) }));
  const logX = (field: string, title: string, domain: [number, number]) => ({ field, type: 'quantitative', title, scale: { type: 'log', domain } }) as const;
  const tooltip = [{ field: 'op' }, { field: 'aIn' }, { field: 'aOut' }, { field: 'ms', format: '.4f' }, { field: 'gflops', format: '.3f' }, { field: 'gbps', format: '.3f' }];
  const title = `Roofline of ${profile.name}`;
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    config: CHART_CONFIG,
    title: roof === null ? title : { text: title, subtitle: `bandwidth ${roof.bandwidthGBps.toPrecision(3)} GB/s, per-kernel overhead ${roof.overheadUs.toPrecision(3)} µs` },
    hconcat: [
      {
        title: 'compute ops: GFLOP/s against FLOPs per byte',
        width: 380,
        height: 280,
        layer: [
          { data: { values: roofLines }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x: logX('intensity', 'arithmetic intensity (FLOP/byte)', [iLo, iHi]), y: { field: 'gflops', type: 'quantitative', scale: { type: 'log' }, title: 'GFLOP/s' }, color: { field: 'kind', type: 'nominal', title: 'op kind' } } },
          { data: { values: compute }, mark: { type: 'point', filled: true, size: 16, opacity: 0.6 }, encoding: { x: { field: 'intensity', type: 'quantitative' }, y: { field: 'gflops', type: 'quantitative' }, color: { field: 'kind', type: 'nominal' }, tooltip } },
        ],
      },
      {
        title: 'data movers: GB/s against bytes moved',
        width: 320,
        height: 280,
        layer: [
          { data: { values: moverLimit }, mark: { type: 'line', color: '#555', strokeDash: [5, 3] }, encoding: { x: logX('bytes', 'bytes moved', [bLo, bHi]), y: { field: 'gbps', type: 'quantitative', scale: { type: 'log' }, title: 'GB/s' } } },
          { data: { values: movers }, mark: { type: 'point', filled: true, size: 16, opacity: 0.6 }, encoding: { x: { field: 'bytes', type: 'quantitative' }, y: { field: 'gbps', type: 'quantitative' }, color: { field: 'kind', type: 'nominal', title: 'op kind', scale: { scheme: 'dark2' } }, tooltip } },
        ],
      },
    ],
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as unknown as TopLevelSpec;
  return {
    name,
    title,
    caption:
      roof === null
        ? 'This profile has no roofline; the measured points alone.'
        : 'Left: the measured roofs, min(peak of the kind, bandwidth × intensity), and every profiled sample of the compute ops (conv, depthwise, dense); ' +
          'points fall below the roof where per-kernel overhead or poor tiling dominate. Right: the ops that only move data; the dashed line is ' +
          'bytes / (overhead + bytes / bandwidth).',
    spec,
  };
}
