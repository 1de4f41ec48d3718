/** A chart as data: a vega-lite spec with the file name it is saved under and the words shown with it. */
import type { TopLevelSpec } from 'vega-lite';

/** One chart of a report. */
export interface Chart {
  /** File name without extension (`widths` → widths.svg, widths.png); may contain a folder. */
  readonly name: string;
  readonly title: string;
  /** What the reader is looking at, in a sentence or two. */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** A chart rendered to SVG (and PNG), with the files it was written to. */
export interface RenderedChart extends Chart {
  readonly svg: string;
  readonly files: readonly string[];
}

/** The vega-lite schema every spec names. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Look shared by every chart: plain background, readable axis labels, long labels kept whole. */
export const CHART_CONFIG = {
  background: 'white',
  font: 'DejaVu Sans, Verdana, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12, labelLimit: 320 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: { fontSize: 14, anchor: 'start' },
} as const;
