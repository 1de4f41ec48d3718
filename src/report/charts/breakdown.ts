/**
 * One device's predicted latency of each architecture split by op kind: a stacked bar per
 * architecture, with the measured end-to-end latency as a black tick where it was measured.
 */
import type { TopLevelSpec } from 'vega-lite';
import { wrappedLabelExpr } from './labels.js';
import type { Chart } from './types.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './types.js';

/** Tableau 10 without its grey, which marks the constant. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d'];

/** One architecture's bar: its predicted ms per op kind, and its measured total where there is one. */
export interface BreakdownBar {
  readonly label: string;
  readonly byKind: Readonly<Record<string, number>>;
  readonly measuredMs: number | null;
}

/** The stacked-bar chart of `bars` on the device called `device`; `constantKind` (grey, last) is the network-level part. */
export function breakdownChart(options: { name: string; device: string; bars: readonly BreakdownBar[]; constantKind?: string }): Chart {
  const constant = options.constantKind ?? 'constant';
  const labels = options.bars.map((b) => b.label);
  const segments = options.bars.flatMap((b) => Object.entries(b.byKind).map(([kind, ms]) => ({ architecture: b.label, kind, ms })));
  const measured = options.bars.filter((b) => b.measuredMs !== null).map((b) => ({ architecture: b.label, ms: b.measuredMs }));
  const y = { field: 'architecture', type: 'nominal', sort: labels, title: null, axis: { labelExpr: wrappedLabelExpr(labels, 24) } } as const;
  const kinds = [...new Set(segments.map((s) => s.kind))].sort((a, b) => Number(a === constant) - Number(b === constant) || a.localeCompare(b));
  const range = kinds.map((k, i) => (k === constant ? '#bab0ac' : (PALETTE[i % PALETTE.length] ?? '#4c78a8')));
  const title = `Latency on ${options.device} by op kind`;
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    config: CHART_CONFIG,
    title,
    width: 520,
    height: { step: 30 },
    layer: [
      {
        data: { values: segments },
        mark: { type: 'bar' },
        encoding: {
          y,
          x: { field: 'ms', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'predicted ms (profile of this device)' },
          color: { field: 'kind', type: 'nominal', title: 'op kind', scale: { domain: kinds, range } },
          tooltip: [
            { field: 'architecture', type: 'nominal' },
            { field: 'kind', type: 'nominal' },
            { field: 'ms', type: 'quantitative', aggregate: 'sum', format: '.3f' },
          ],
        },
      },
      {
        data: { values: measured },
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { y, x: { field: 'ms', type: 'quantitative' }, tooltip: [{ field: 'ms', type: 'quantitative', title: 'measured ms', format: '.3f' }] },
      },
    ],
  };
  return {
    name: options.name,
    title,
    caption:
      `Predicted latency of each architecture on this device, split by op kind (\`${constant}\`: the profile's network-level calibration offset). ` +
      (measured.length > 0 ? 'Black ticks: measured end to end here.' : 'This device was not measured here.'),
    spec,
  };
}
