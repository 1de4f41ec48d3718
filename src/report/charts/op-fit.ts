/**
 * One profiled op: its measured latency points against its fitted cost function, evaluated at every
 * channel count along each swept axis so the fitted staircases show, and fitted against measured at
 * every point (training samples and held-out ones).
 */
import type { TopLevelSpec } from 'vega-lite';
import { median } from 'simple-statistics';
import { fittedLatency } from '../../costs/latency/fitted.js';
import type { LatencyFunction } from '../../costs/latency/fitted.js';
import type { OpProfile } from '../../profile/schema.js';
import { hasTwoChannelAxes, opLabel } from './op-geometry.js';
import type { Chart } from './types.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './types.js';

/** A measured point of the op. */
export interface OpPoint {
  readonly aIn: number;
  readonly aOut: number;
  readonly ms: number;
  /** The fitted function's value there (null without a fit). */
  readonly fitted: number | null;
  readonly set: 'fit sample' | 'held out';
}

/** A point of a fitted curve: the function at one channel count along an axis, the other held at `level`. */
export interface CurvePoint {
  readonly aIn: number;
  readonly aOut: number;
  readonly ms: number;
}

/** The op's fitted latency function (as the latency target evaluates it, before calibration), or null. */
export function opFunction(o: OpProfile, batch: number): LatencyFunction | null {
  return o.fit === null ? null : fittedLatency(o.fit, o.geometry, batch, o.maxIn, o.maxOut);
}

/** The measured points of an op with the fitted values there. */
export function opPoints(o: OpProfile, batch: number): OpPoint[] {
  const fn = opFunction(o, batch);
  const point = (set: OpPoint['set']) => ([aIn, aOut, ms]: readonly [number, number, number, number | null]): OpPoint => ({
    aIn,
    aOut,
    ms,
    fitted: fn === null ? null : fn.value(aIn, aOut),
    set,
  });
  return [...o.samples.map(point('fit sample')), ...o.heldOut.map(point('held out'))];
}

function levels(max: number): number[] {
  return [...new Set([max, Math.ceil(max / 2), Math.ceil(max / 4)].filter((x) => x >= 1))];
}

/** The fitted curve along output channels 1..maxOut at each input level (two-axis ops). */
export function curvesAlongOut(o: OpProfile, batch: number): CurvePoint[] {
  const fn = opFunction(o, batch);
  if (fn === null) return [];
  return levels(o.maxIn).flatMap((aIn) => Array.from({ length: o.maxOut }, (_, k) => ({ aIn, aOut: k + 1, ms: fn.value(aIn, k + 1) })));
}

/** The fitted curve along input channels 1..maxIn at each output level (two-axis ops). */
export function curvesAlongIn(o: OpProfile, batch: number): CurvePoint[] {
  const fn = opFunction(o, batch);
  if (fn === null) return [];
  return levels(o.maxOut).flatMap((aOut) => Array.from({ length: o.maxIn }, (_, k) => ({ aIn: k + 1, aOut, ms: fn.value(k + 1, aOut) })));
}

/** The fitted curve of a one-axis op along its channels, the output following the input as in its samples. */
export function curveAlongChannels(o: OpProfile, batch: number): CurvePoint[] {
  const fn = opFunction(o, batch);
  if (fn === null || o.samples.length === 0) return [];
  const ratio = median(o.samples.map(([aIn, aOut]) => aOut / Math.max(1, aIn)));
  return Array.from({ length: o.maxIn }, (_, k) => {
    const aIn = k + 1;
    const aOut = Math.max(1, Math.round(aIn * ratio));
    return { aIn, aOut, ms: fn.value(aIn, aOut) };
  });
}

const WIDTH = 230;
const HEIGHT = 170;

/**
 * One sweep panel: the fitted curves along `axis` and the measured points. With `levelsOf`, one curve
 * per level of that other axis, points and curves coloured by it; without, a single curve.
 */
function sweepPanel(title: string, axis: 'aIn' | 'aOut', levelsOf: 'aIn' | 'aOut' | null, points: readonly OpPoint[], curve: readonly CurvePoint[]): object {
  const axisTitle = levelsOf === null ? 'alive channels' : axis === 'aIn' ? 'alive input channels' : 'alive output channels';
  const color =
    levelsOf === null
      ? null
      : ({ field: levelsOf, type: 'quantitative', title: levelsOf === 'aIn' ? 'input ch.' : 'output ch.', scale: { scheme: 'viridis' }, legend: { format: 'd', tickMinStep: 1 } } as const);
  const line = color === null ? { encoding: { color: { value: '#4c78a8' } } } : { encoding: { color, detail: { field: levelsOf, type: 'quantitative' } } };
  return {
    title,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: curve },
        mark: { type: 'line', strokeWidth: 1.5, interpolate: 'linear' },
        encoding: { x: { field: axis, type: 'quantitative', title: axisTitle, axis: { format: 'd', tickMinStep: 1 } }, y: { field: 'ms', type: 'quantitative', title: 'ms' }, ...line.encoding },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 28, opacity: 0.85 },
        encoding: {
          x: { field: axis, type: 'quantitative' },
          y: { field: 'ms', type: 'quantitative' },
          color: color ?? { value: '#e45756' },
          shape: { field: 'set', type: 'nominal', title: 'measured' },
          tooltip: [{ field: 'aIn' }, { field: 'aOut' }, { field: 'ms', format: '.4f' }, { field: 'fitted', format: '.4f' }, { field: 'set' }],
        },
      },
    ],
  };
}

function agreementPanel(points: readonly OpPoint[]): object {
  const fitted = points.filter((p) => p.fitted !== null && p.fitted > 0);
  const all = fitted.flatMap((p) => [p.ms, p.fitted as number]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return {
    title: 'fitted against measured',
    width: HEIGHT,
    height: HEIGHT,
    layer: [
      { data: { values: [{ a: lo, b: lo }, { a: hi, b: hi }] }, mark: { type: 'line', color: '#999', strokeDash: [4, 3] }, encoding: { x: { field: 'a', type: 'quantitative', scale: { type: 'log' }, title: 'measured ms' }, y: { field: 'b', type: 'quantitative', scale: { type: 'log' }, title: 'fitted ms' } } },
      {
        data: { values: fitted },
        mark: { type: 'point', filled: true, size: 24, opacity: 0.8 },
        encoding: {
          x: { field: 'ms', type: 'quantitative', scale: { type: 'log' } },
          y: { field: 'fitted', type: 'quantitative', scale: { type: 'log' } },
          shape: { field: 'set', type: 'nominal', title: 'measured' },
          color: { value: '#4c78a8' },
        },
      },
    ],
  };
}

/** The chart of one profiled op at batch `batch`. */
export function opFitChart(o: OpProfile, batch: number, name: string): Chart {
  const points = opPoints(o, batch);
  const two = hasTwoChannelAxes(o.geometry);
  const panels = two
    ? [
        ...(o.maxOut > 1 ? [sweepPanel('along output channels', 'aOut', 'aIn', points, curvesAlongOut(o, batch))] : []),
        ...(o.maxIn > 1 ? [sweepPanel('along input channels', 'aIn', 'aOut', points, curvesAlongIn(o, batch))] : []),
      ]
    : [sweepPanel('along channels', 'aIn', null, points, curveAlongChannels(o, batch))];
  if (o.fit !== null && points.length > 0) panels.push(agreementPanel(points));
  const title = opLabel(o);
  const fit = o.fit;
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    config: CHART_CONFIG,
    title: { text: title, subtitle: `layers: ${o.layers.join(', ') || '(generic)'}` },
    hconcat: panels,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as unknown as TopLevelSpec;
  return {
    name,
    title,
    caption:
      fit === null
        ? `${o.samples.length} measured points; no fit.`
        : `${o.samples.length} fit samples and ${o.heldOut.length} held-out points (wall ms); lines: the fitted ${fit.family} function ` +
          `(channel steps ${fit.qIn} in, ${fit.qOut} out) at every channel count, ${two ? 'the other axis held at the levels of the colour scale' : 'before calibration'}.`,
    spec,
  };
}
