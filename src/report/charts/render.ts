/**
 * Rendering charts without a browser: vega-lite compiles a spec to vega, vega renders it headless to
 * SVG, and resvg rasterizes the SVG to PNG. Files are written atomically.
 */
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../../util/atomic.js';
import type { Chart, RenderedChart } from './types.js';

/** The SVG of a vega-lite spec. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A PNG of an SVG at `scale` times its size, with the system's fonts. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans' },
    background: 'white',
  });
  return resvg.render().asPng();
}

/** Renders each chart and writes `<dir>/<name>.svg` (and `.png` unless `png` is false). */
export async function writeCharts(dir: string, charts: readonly Chart[], options: { png?: boolean } = {}): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const chart of charts) {
    const svg = await renderSvg(chart.spec);
    const files = [path.join(dir, `${chart.name}.svg`)];
    await writeFileAtomic(files[0]!, svg);
    if (options.png !== false) {
      files.push(path.join(dir, `${chart.name}.png`));
      await writeFileAtomic(files[1]!, svgToPng(svg));
    }
    rendered.push({ ...chart, svg, files });
  }
  return rendered;
}
