/**
 * Charts: the widths picture draws every layer of every architecture as a bar proportional to its
 * channels over the seed's grey bar; fitted curves are evaluated at every channel count so staircases
 * show; the roofline places ops by their FLOPs and bytes; SVG renders to a non-blank PNG.
 */
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { fittedLatency } from '../src/costs/latency/fitted.js';
import { readProfile } from '../src/profile/io.js';
import type { OpProfile } from '../src/profile/schema.js';
import {
  breakdownChart,
  curvesAlongOut,
  opFitChart,
  renderSvg,
  rooflineChart,
  rooflinePoints,
  svgToPng,
  widthBars,
  widthsChart,
  wrapLines,
} from '../src/report/charts/index.js';
import { ROOT } from './helpers/cli.js';

const wasm = await readProfile(path.join(ROOT, 'device-profiles', 'amd-epyc-2c-wasm-resnet-mini.json'));
const seed = { stem: 16, body: 32, head: 10 };

interface Bar {
  readonly label: Record<string, string>;
  readonly width: number;
  readonly fill: string;
}

/** The bars of a vega SVG: their aria labels as fields, their widths and fills. */
function barsOf(svg: string): Bar[] {
  return [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar" d="M[-\d.]+,[-\d.]+h([\d.]+)v[^"]*" fill="([^"]+)"/g)].map((m) => ({
    label: Object.fromEntries((m[1] ?? '').split('; ').map((kv) => kv.split(': ') as [string, string])),
    width: Number(m[2]),
    fill: m[3] ?? '',
  }));
}

async function pixelSpread(png: Uint8Array): Promise<number> {
  const stats = await sharp(png).stats();
  return Math.max(...stats.channels.map((c) => c.max - c.min));
}

describe('widths chart', () => {
  test('a bar per layer and architecture, 0 where a layer died, in the seed\'s order', () => {
    const bars = widthBars(seed, [{ label: 'for A', structure: { stem: 8, body: 0, head: 10 } }, { label: 'for B', structure: { stem: 16, body: 12 } }]);
    expect(bars.map((b) => [b.column, b.layer, b.order, b.channels, b.seed])).toEqual([
      ['for A', 'stem', 0, 8, 16],
      ['for A', 'body', 1, 0, 32],
      ['for A', 'head', 2, 10, 10],
      ['for B', 'stem', 0, 16, 16],
      ['for B', 'body', 1, 12, 32],
      ['for B', 'head', 2, 0, 10],
    ]);
  });

  test('a long title is drawn in lines, so that it does not widen the picture past its columns', async () => {
    const columns = [{ label: 'for A', structure: { stem: 8, body: 20, head: 10 } }, { label: 'for B', structure: { stem: 12, body: 4, head: 10 } }];
    const title = 'mobilenet-mini: alive channels per layer, by the device each architecture was shrunk for';
    const spec = widthsChart({ title, seed, columns }).spec;
    const widthOf = (svg: string): number => Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
    const wrapped = await renderSvg(spec);
    const oneLine = await renderSvg({ ...spec, title });
    expect(widthOf(wrapped)).toBeLessThan(widthOf(oneLine));
    expect(widthOf(wrapped)).toBe(widthOf(await renderSvg({ ...spec, title: 'widths' })));
  });

  test('each coloured bar is as long as its channels, on one scale with the seed\'s grey bars', async () => {
    const columns = [{ label: 'for A', structure: { stem: 8, body: 20, head: 10 } }, { label: 'for B', structure: { stem: 12, body: 4, head: 10 } }];
    const svg = await renderSvg(widthsChart({ title: 'widths', seed, columns }).spec);
    const bars = barsOf(svg);
    const grey = bars.filter((b) => b.fill === '#d4d4d4');
    const coloured = bars.filter((b) => b.fill !== '#d4d4d4');
    expect(grey).toHaveLength(6);
    expect(coloured).toHaveLength(6);
    const pxPerChannel = (grey[0]?.width ?? 0) / Number(grey[0]?.label['seed'] ?? grey[0]?.label['channels']);
    expect(pxPerChannel).toBeGreaterThan(0);
    for (const b of grey) expect(b.width / Number(b.label['channels'])).toBeCloseTo(pxPerChannel, 6);
    for (const b of coloured) {
      const column = columns.find((c) => c.label === b.label['column']);
      const layer = b.label['layer'] as keyof typeof seed;
      expect(Number(b.label['channels'])).toBe(column?.structure[layer]);
      expect(b.width).toBeCloseTo(pxPerChannel * (column?.structure[layer] ?? Number.NaN), 6);
    }
    expect(new Set(coloured.map((b) => b.fill)).size).toBe(2);
  });
});

describe('latency breakdown chart', () => {
  test('stacks each architecture\'s op kinds to its total, the constant in grey', async () => {
    const bars = [
      { label: 'seed', byKind: { conv2d: 3, batchnorm: 1, constant: 0.5 }, measuredMs: 4.2 },
      { label: 'for A', byKind: { conv2d: 1, batchnorm: 0.5, constant: 0.5 }, measuredMs: null },
    ];
    const svg = await renderSvg(breakdownChart({ name: 'b', device: 'dev', bars }).spec);
    const segments = barsOf(svg);
    expect(segments).toHaveLength(6);
    const pxPerMs = (segments.find((s) => s.label['architecture'] === 'seed' && s.label['kind'] === 'conv2d')?.width ?? 0) / 3;
    for (const bar of bars) {
      const total = segments.filter((s) => s.label['architecture'] === bar.label).reduce((sum, s) => sum + s.width, 0);
      expect(total).toBeCloseTo(pxPerMs * Object.values(bar.byKind).reduce((a, b) => a + b, 0), 4);
    }
    expect(segments.filter((s) => s.label['kind'] === 'constant').every((s) => s.fill === '#bab0ac')).toBe(true);
    expect(svg.match(/aria-roledescription="tick"/g)).toHaveLength(1);
  });
});

describe('fitted curves', () => {
  const conv = wasm.ops.find((o) => o.geometry.kind === 'conv2d' && o.fit !== null) as OpProfile;

  test('a pure staircase in output channels shows as flat steps of the fitted step size', () => {
    const staircase: OpProfile = { ...conv, maxIn: 16, maxOut: 32, fit: { family: 'conv', qIn: 1, qOut: 8, coef: [0.01, 1, 0, 0, 0], residuals: [], trainError: { median: 0, within10: 1 } } };
    const curve = curvesAlongOut(staircase, 1).filter((p) => p.aIn === 16);
    expect(curve.map((p) => p.aOut)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    const steps = [...new Set(curve.map((p) => p.ms.toPrecision(12)))];
    expect(steps).toHaveLength(4);
    for (const p of curve) expect(p.ms).toBe(curve.find((q) => q.aOut === Math.ceil(p.aOut / 8) * 8)?.ms);
  });

  test('the curves are the profile\'s fitted function at every count, at the widest input and below', () => {
    const fn = fittedLatency(conv.fit!, conv.geometry, wasm.batch, conv.maxIn, conv.maxOut);
    const curve = curvesAlongOut(conv, wasm.batch);
    expect([...new Set(curve.map((p) => p.aIn))]).toContain(conv.maxIn);
    expect(curve.length).toBeGreaterThanOrEqual(conv.maxOut);
    for (const p of curve) expect(p.ms).toBe(fn.value(p.aIn, p.aOut));
  });

  test.each(wasm.ops.filter((o) => o.samples.length > 0).slice(0, 3).map((o) => [o.signature, o] as const))('%s renders with a point per measured sample', async (_, op) => {
    const svg = await renderSvg(opFitChart(op, wasm.batch, 'op').spec);
    const points = svg.match(/aria-roledescription="point"/g) ?? [];
    const panels = op.fit === null ? 1 : 2;
    expect(points.length).toBeGreaterThanOrEqual((op.samples.length + op.heldOut.length) * panels);
  });
});

describe('roofline', () => {
  test('places a conv sample at its FLOPs over bytes and its measured rate', () => {
    const conv = wasm.ops.find((o) => o.geometry.kind === 'conv2d' && o.geometry.kernel[0] === 3 && o.geometry.strides[0] === 1)!;
    const [aIn, aOut, ms] = conv.samples[0]!;
    const [h, w] = conv.geometry.outputShape;
    const flops = 2 * h! * w! * 9 * aIn * aOut;
    const bytes = 4 * (h! * w! * aIn + h! * w! * aOut + 9 * aIn * aOut);
    const point = rooflinePoints(wasm).find((p) => p.op.startsWith('Conv2D') && p.aIn === aIn && p.aOut === aOut && p.ms === ms)!;
    expect(point.flops).toBe(flops);
    expect(point.intensity).toBeCloseTo(flops / bytes, 9);
    expect(point.gflops).toBeCloseTo(flops / ms / 1e6, 9);
  });

  test('renders to an SVG and a PNG that is not blank', async () => {
    const svg = await renderSvg(rooflineChart(wasm).spec);
    expect(svg.startsWith('<svg')).toBe(true);
    const png = svgToPng(svg);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(400);
    expect(await pixelSpread(png)).toBeGreaterThan(100);
  });
});

describe('labels', () => {
  test.each([
    ['for amd-epyc-2c-wasm-resnet-mini', 24, ['for amd-epyc-2c-wasm-', 'resnet-mini']],
    ['short', 24, ['short']],
    ['llvmpipe-2c-webgpu-resnet-mini', 12, ['llvmpipe-2c-', 'webgpu-', 'resnet-mini']],
  ])('wrapLines(%j, %d)', (text, width, lines) => {
    expect(wrapLines(text, width)).toEqual(lines);
    expect(wrapLines(text, width).join('')).toBe(text);
  });
});
