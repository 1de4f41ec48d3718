/**
 * The report of a device profile: who the device is, its roofline with the profiled ops placed on it,
 * and every profiled op's measured points against its fitted latency function (staircases visible);
 * written as SVG + PNG pictures and one self-contained `index.html`.
 */
import path from 'node:path';
import type { DeviceProfile } from '../profile/schema.js';
import { writeFileAtomic } from '../util/atomic.js';
import { opFitChart } from './charts/op-fit.js';
import { writeCharts } from './charts/render.js';
import { rooflineChart } from './charts/roofline.js';
import type { Chart, RenderedChart } from './charts/types.js';
import { renderHtml } from './html.js';
import type { HtmlFigure, HtmlTable } from './html.js';

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-+/g, '-').slice(0, 80);
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** The charts of a profile: the roofline, then one per profiled op that has measured points. */
export function profileCharts(profile: DeviceProfile): Chart[] {
  const ops = profile.ops.filter((o) => o.samples.length + o.heldOut.length > 0);
  const width = String(ops.length).length;
  return [
    rooflineChart(profile),
    ...ops.map((o, i) => opFitChart(o, profile.batch, path.join('ops', `${String(i + 1).padStart(width, '0')}-${slug(o.layers[0] ?? o.geometry.className)}`))),
  ];
}

function deviceTable(profile: DeviceProfile, file: string | undefined): HtmlTable {
  const d = profile.device;
  const rows: string[][] = [
    ['profile', `${profile.name}${file === undefined ? '' : ` (\`${file}\`)`}, ${profile.status}, made ${profile.createdAt}`],
    ['backend', `${d.backend} (tfjs ${d.tfjsBackend} ${d.tfjsVersion}), ${d.runtime}`],
    ['CPU', `${d.cpuModel}, ${d.cpuCores} cores, ${d.threads} thread${d.threads === 1 ? '' : 's'}`],
    ['GPU adapter', d.gpu === undefined ? '–' : `${d.gpu.description || d.gpu.device} (${d.gpu.vendor}, ${d.gpu.architecture})`],
    ['OS', d.os],
    ['profiled for', profile.model === null ? 'a generic set of op configurations' : `model ${profile.model.name}`],
    ['batch', String(profile.batch)],
    ['profiling time', `${profile.profilingSeconds.toFixed(0)} s of a ${profile.budgetSeconds} s budget`],
  ];
  const r = profile.roofline;
  if (r !== null) {
    rows.push(['compute rate', Object.entries(r.gflops).map(([k, g]) => `${k} ${g.toPrecision(3)} GFLOP/s`).join(', ')]);
    rows.push(['bandwidth, overhead', `${r.bandwidthGBps.toPrecision(3)} GB/s, ${r.overheadUs.toPrecision(3)} µs per kernel`]);
  }
  const c = profile.calibration;
  if (c !== null) {
    const op = c.hiddenMs === undefined ? 'op ms' : `max(0, op ms − ${c.hiddenMs.toPrecision(3)})`;
    rows.push(['end-to-end calibration', `network ms = ${c.scale.toPrecision(3)} · Σ ${op} + ${c.perOpMs.toPrecision(3)} ms per op + ${c.offsetMs.toPrecision(3)} ms (${c.points} points)`]);
  }
  const v = profile.validation;
  if (v.heldOutPoints !== null) rows.push(['held-out op points', `${v.heldOutPoints.count}: median error ${percent(v.heldOutPoints.medianAbsError)}, ${percent(v.heldOutPoints.within10)} within ±10%`]);
  if (v.endToEnd !== null) rows.push(['held-out networks', `${v.endToEnd.count}: median error ${percent(v.endToEnd.medianAbsError)}, ${percent(v.endToEnd.within10)} within ±10%`]);
  return { headers: ['', 'value'], rows };
}

function figureOf(chart: RenderedChart, dir: string): HtmlFigure {
  return { svg: chart.svg, caption: chart.caption, links: chart.files.map((f) => path.relative(dir, f)) };
}

/** Writes the pictures and `index.html` of a profile into `dir`; returns the page's path and the charts. */
export async function writeProfileReport(dir: string, profile: DeviceProfile, options: { file?: string; png?: boolean } = {}): Promise<{ html: string; charts: RenderedChart[] }> {
  const charts = await writeCharts(dir, profileCharts(profile), options.png === undefined ? {} : { png: options.png });
  const [roofline, ...ops] = charts;
  const fitted = profile.ops.filter((o) => o.fit !== null);
  const html = path.join(dir, 'index.html');
  await writeFileAtomic(
    html,
    renderHtml({
      title: `Device profile ${profile.name}`,
      lead: [`${profile.ops.length} profiled ops (${fitted.length} fitted), ${profile.families.length} pooled family fits.`],
      sections: [
        { heading: 'Device', tables: [deviceTable(profile, options.file)] },
        { heading: 'Roofline', figures: roofline === undefined ? [] : [figureOf(roofline, dir)] },
        {
          heading: 'Per-op latency: measured points and fitted functions',
          paragraphs: ['Each op is timed at many alive channel counts; the lines are its fitted latency function at every count, so the channel staircases of the device show.'],
          figures: ops.map((c) => figureOf(c, dir)),
        },
      ],
    }),
  );
  return { html, charts };
}
