/**
 * Per-layer widths of architectures side by side, as in MorphNet's figure: one column per
 * architecture, a bar per channel-owning layer as long as its alive channels, the seed's width in grey
 * behind it.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Structure } from '../../graph/alive.js';
import { wrapLines, wrappedLabelExpr } from './labels.js';
import type { Chart } from './types.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './types.js';

/** One architecture to draw: a label for its column and its alive channels per layer. */
export interface WidthsColumn {
  readonly label: string;
  readonly structure: Structure;
}

/** One bar of the chart. */
export interface WidthBar {
  readonly column: string;
  readonly layer: string;
  /** Position of the layer in the network (the seed structure's order). */
  readonly order: number;
  readonly channels: number;
  readonly seed: number;
}

/** The bars: every layer of the seed, in its order, for every column (0 where a column's layer died). */
export function widthBars(seed: Structure, columns: readonly WidthsColumn[]): WidthBar[] {
  const layers = Object.keys(seed);
  return columns.flatMap((c) => layers.map((layer, order) => ({ column: c.label, layer, order, channels: c.structure[layer] ?? 0, seed: seed[layer] ?? 0 })));
}

/** The widths chart of `columns` over the seed's layers. */
export function widthsChart(options: { name?: string; title: string; seed: Structure; columns: readonly WidthsColumn[] }): Chart {
  const bars = widthBars(options.seed, options.columns);
  const labels = options.columns.map((c) => c.label);
  const y = { field: 'layer', type: 'ordinal', sort: { field: 'order', op: 'min' }, title: null } as const;
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    config: CHART_CONFIG,
    title: { text: wrapLines(options.title, 40) },
    data: { values: bars },
    facet: { column: { field: 'column', type: 'nominal', title: null, sort: labels, header: { labelAngle: 0, labelExpr: wrappedLabelExpr(labels, 24) } } },
    spec: {
      width: 180,
      height: { step: 14 },
      layer: [
        { mark: { type: 'bar', color: '#d4d4d4' }, encoding: { y, x: { field: 'seed', type: 'quantitative', title: 'channels' } } },
        {
          mark: { type: 'bar' },
          encoding: {
            y,
            x: { field: 'channels', type: 'quantitative' },
            color: { field: 'column', type: 'nominal', legend: null, sort: labels },
            tooltip: [
              { field: 'layer', type: 'nominal' },
              { field: 'channels', type: 'quantitative' },
              { field: 'seed', type: 'quantitative' },
            ],
          },
        },
        { mark: { type: 'text', align: 'left', dx: 3, fontSize: 9, color: '#333' }, encoding: { y, x: { field: 'channels', type: 'quantitative' }, text: { field: 'channels', type: 'quantitative' } } },
      ],
    },
  };
  return {
    name: options.name ?? 'widths',
    title: options.title,
    caption: 'Alive channels per layer of each architecture (coloured), over the seed\'s width (grey). A layer with no bar was removed.',
    spec,
  };
}
