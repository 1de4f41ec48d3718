/**
 * The cross-device matrix as a heat map: a row per device, a column per architecture, each cell
 * coloured by how much slower it is than the fastest of its row and labelled with its milliseconds;
 * predicted and measured side by side.
 */
import type { TopLevelSpec } from 'vega-lite';
import { wrappedLabelExpr } from './labels.js';
import type { Chart } from './types.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './types.js';

/** One cell of the heat map. */
export interface MatrixCell {
  readonly source: 'predicted' | 'measured';
  readonly device: string;
  readonly architecture: string;
  readonly ms: number;
  /** ms over the fastest ms of the same row and source. */
  readonly ratio: number;
}

/** The cells of `values` (rows: devices, columns: architectures), nulls left out. */
export function matrixCells(source: MatrixCell['source'], devices: readonly string[], architectures: readonly string[], values: readonly (readonly (number | null)[])[]): MatrixCell[] {
  return devices.flatMap((device, i) => {
    const row = values[i] ?? [];
    const present = row.filter((x): x is number => x !== null);
    const best = present.length === 0 ? 1 : Math.min(...present);
    return architectures.flatMap((architecture, j) => {
      const ms = row[j];
      return ms === null || ms === undefined ? [] : [{ source, device, architecture, ms, ratio: ms / best }];
    });
  });
}

/** The heat map of predicted (and, where there are any, measured) cells. */
export function matrixChart(options: { name?: string; devices: readonly string[]; architectures: readonly string[]; cells: readonly MatrixCell[] }): Chart {
  const sources = [...new Set(options.cells.map((c) => c.source))];
  const x = { field: 'architecture', type: 'nominal', sort: [...options.architectures], title: 'architecture shrunk for', axis: { labelAngle: 0, labelExpr: wrappedLabelExpr(options.architectures, 20) } } as const;
  const y = { field: 'device', type: 'nominal', sort: [...options.devices], title: 'latency on device', axis: { labelExpr: wrappedLabelExpr(options.devices, 24) } } as const;
  const title = 'Cross-device latency matrix';
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    config: CHART_CONFIG,
    title,
    data: { values: options.cells },
    facet: { column: { field: 'source', type: 'nominal', sort: sources, title: null } },
    spec: {
      width: { step: 150 },
      height: { step: 42 },
      layer: [
        {
          mark: { type: 'rect' },
          encoding: {
            x,
            y,
            color: { field: 'ratio', type: 'quantitative', title: '× fastest of row', scale: { scheme: 'oranges', domainMin: 1 } },
            tooltip: [
              { field: 'device', type: 'nominal' },
              { field: 'architecture', type: 'nominal' },
              { field: 'ms', type: 'quantitative', format: '.3f' },
              { field: 'ratio', type: 'quantitative', format: '.3f' },
            ],
          },
        },
        { mark: { type: 'text', fontSize: 11 }, encoding: { x, y, text: { field: 'ms', type: 'quantitative', format: '.3~r' } } },
      ],
    },
  };
  return {
    name: options.name ?? 'matrix',
    title,
    caption: 'Latency (ms) of each architecture (column) on each device (row); the lighter a cell, the closer it is to the fastest of its row.',
    spec,
  };
}
