/**
 * The report of a compare run: the architectures' per-layer widths side by side, each device's latency
 * breakdown of every architecture, the cross-device matrix as tables and a heat map; written as
 * SVG + PNG pictures and one self-contained `index.html` beside `compare.json`.
 */
import path from 'node:path';
import { marginText } from '../compare/markdown.js';
import { CONSTANT_KIND } from '../compare/matrix.js';
import type { CompareResult } from '../compare/types.js';
import { writeFileAtomic } from '../util/atomic.js';
import { fileSlug } from '../util/slug.js';
import { breakdownChart } from './charts/breakdown.js';
import { matrixCells, matrixChart } from './charts/matrix.js';
import { writeCharts } from './charts/render.js';
import type { Chart, RenderedChart } from './charts/types.js';
import { widthsChart } from './charts/widths.js';
import { renderHtml } from './html.js';
import type { HtmlFigure, HtmlSection, HtmlTable } from './html.js';

function ms(x: number): string {
  return x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(3);
}

/** `target` relative to the page's folder when it is inside it, else absolute. */
function shownPath(dir: string, target: string): string {
  const relative = path.relative(dir, target);
  return relative === '' ? '.' : relative.startsWith('..') ? path.resolve(target) : relative;
}

/** The label of architecture j in charts and tables. */
export function architectureLabel(result: CompareResult, j: number): string {
  return `for ${result.architectures[j]?.device ?? j}`;
}

/** The charts of a compare run: widths, one latency breakdown per device, the matrix. */
export function compareCharts(result: CompareResult): Chart[] {
  const labels = result.architectures.map((_, j) => architectureLabel(result, j));
  const widths = widthsChart({
    title: `${result.model.name}: alive channels per layer, by the device each architecture was shrunk for`,
    seed: result.model.structure,
    columns: result.architectures.map((a, j) => ({ label: labels[j]!, structure: a.structure })),
  });
  const breakdowns = result.devices.map((d, i) =>
    breakdownChart({
      name: `breakdown-${i + 1}-${fileSlug(d.name)}`,
      device: d.name,
      constantKind: CONSTANT_KIND,
      bars: [
        { label: `seed ${result.model.name}`, byKind: d.seedPredictedByKindMs, measuredMs: d.seedMeasuredMs },
        ...labels.map((label, j) => ({ label, byKind: result.predictedByKindMs[i]?.[j] ?? {}, measuredMs: result.measuredMs[i]?.[j] ?? null })),
      ],
    }),
  );
  const names = result.devices.map((d) => d.name);
  const cells = [...matrixCells('predicted', names, labels, result.predictedMs), ...matrixCells('measured', names, labels, result.measuredMs)];
  return [widths, ...breakdowns, matrixChart({ devices: names, architectures: labels, cells })];
}

function matrixTable(caption: string, result: CompareResult, values: readonly (readonly (number | null)[])[], seed: (i: number) => number | null, margin: (i: number) => number | null): HtmlTable {
  const labels = result.architectures.map((_, j) => architectureLabel(result, j));
  return {
    caption,
    headers: ['device \\ architecture', 'seed', ...labels, 'own vs others'],
    numeric: [1, ...labels.map((_, j) => j + 2)],
    rows: result.devices.map((d, i) => {
      const row = values[i] ?? [];
      const present = row.filter((x): x is number => x !== null);
      const best = present.length === 0 ? Number.NaN : Math.min(...present);
      const s = seed(i);
      if (present.length === 0) return [d.name, '–', ...labels.map(() => '–'), d.notMeasuredBecause === undefined ? '–' : `not measured: ${d.notMeasuredBecause}`];
      return [d.name, s === null ? '–' : ms(s), ...row.map((x) => (x === null ? '–' : x === best ? `**${ms(x)}**` : ms(x))), marginText(margin(i))];
    }),
  };
}

function figureOf(chart: RenderedChart, dir: string): HtmlFigure {
  return { svg: chart.svg, caption: chart.caption, links: chart.files.map((f) => path.relative(dir, f)) };
}

/** Writes the pictures and `index.html` of a compare run into `dir`; returns the page's path and the charts. */
export async function writeCompareReport(dir: string, result: CompareResult, options: { png?: boolean; command?: string } = {}): Promise<{ html: string; charts: RenderedChart[] }> {
  const charts = await writeCharts(dir, compareCharts(result), options.png === undefined ? {} : { png: options.png });
  const [widths, ...rest] = charts;
  const matrix = rest.pop();
  const breakdowns = rest;
  const accuracy = result.architectures.some((a) => a.accuracy !== undefined);
  const architectures: HtmlTable = {
    headers: ['architecture', 'made by', 'parameters', 'MFLOPs', ...(accuracy ? ['test accuracy'] : []), 'files'],
    numeric: [2, 3, ...(accuracy ? [4] : [])],
    rows: [
      [`seed ${result.model.name}`, '–', result.model.parameters.toLocaleString('en-US'), (result.model.flops / 1e6).toFixed(2), ...(accuracy ? ['–'] : []), ''],
      ...result.architectures.map((a, j) => [
        architectureLabel(result, j),
        a.source === 'given'
          ? 'given structure'
          : `MorphNet for this device's latency${a.targetMs === undefined ? '' : `, to ${ms(a.targetMs)} ms`}${a.multiplier === undefined ? '' : `; ×${a.multiplier.toFixed(3)} widths to matched FLOPs`}`,
        a.parameters.toLocaleString('en-US'),
        (a.flops / 1e6).toFixed(2),
        ...(accuracy ? [a.accuracy === undefined ? '–' : `${(a.accuracy * 100).toFixed(2)}%`] : []),
        `\`${shownPath(dir, a.dir)}\``,
      ]),
    ],
  };
  const devices: HtmlTable = {
    headers: ['device', 'backend', 'CPU', 'GPU adapter', 'profile', 'measured here'],
    rows: result.devices.map((d) => [d.name, d.backend, d.cpu, d.gpu ?? '–', d.profile === undefined ? '–' : `\`${d.profile}\``, d.measuredHere ? 'yes' : `no: ${d.notMeasuredBecause ?? ''}`]),
  };
  const sections: HtmlSection[] = [
    { heading: 'Devices and architectures', tables: [devices, architectures], figures: widths === undefined ? [] : [figureOf(widths, dir)] },
    {
      heading: 'Cross-device latency',
      paragraphs: [
        'Rows: the device; columns: the architecture shrunk for each device. Predicted from the row\'s device profile; measured here, end to end, where the row\'s backend runs on the profiled device. The fastest of each row is in bold.',
      ],
      tables: [
        matrixTable('Predicted latency (ms)', result, result.predictedMs, (i) => result.devices[i]?.seedPredictedMs ?? null, (i) => result.margins[i]?.predicted ?? null),
        matrixTable('Measured latency (ms), here', result, result.measuredMs, (i) => result.devices[i]?.seedMeasuredMs ?? null, (i) => result.margins[i]?.measured ?? null),
      ],
      figures: matrix === undefined ? [] : [figureOf(matrix, dir)],
    },
    { heading: 'Latency by op kind, per device', figures: breakdowns.map((c) => figureOf(c, dir)) },
  ];
  const html = path.join(dir, 'index.html');
  await writeFileAtomic(
    html,
    renderHtml({
      title: `morphlat compare: ${result.model.name} on ${result.devices.length} devices`,
      lead: [`Made ${result.createdAt}${options.command === undefined ? '' : ` by \`${options.command}\``}.`, 'Data: `compare.json` in this folder.'],
      sections,
    }),
  );
  return { html, charts };
}
