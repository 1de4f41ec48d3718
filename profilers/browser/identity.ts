/**
 * Who the browser is, for the device profile: its name and version from the user agent, the OS the
 * user agent names, the core count, and the GPU adapters it exposes (the WebGL renderer, unmasked
 * where allowed, and the WebGPU adapter). Browsers do not name the CPU model.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BrowserIdentity, DeviceIdentity, GpuIdentity } from '../../src/backends/types.js';
import type { PageGlobals } from './dom.js';

/** What a browser page can learn about its device, once, before it starts any backend. */
export interface BrowserFacts {
  readonly userAgent: string;
  readonly os: string;
  readonly cores: number;
  readonly browser: BrowserIdentity;
  /** Why WebGPU is missing, when it is. */
  readonly webgpuMissing?: string;
}

/** The CPU model in browser profiles: browsers do not expose it. */
export const BROWSER_CPU_MODEL = 'unknown (browser)';

const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bFxiOS\/(\d+)/, 'Firefox'],
  [/\bCriOS\/(\d+)/, 'Chrome'],
  [/\bHeadlessChrome\/(\d+)/, 'HeadlessChrome'],
  [/\bChrome\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];

/** The browser's name, major version and OS as a user agent string gives them. */
export function parseUserAgent(userAgent: string): { name: string; version: string; os: string } {
  const os = /\(([^)]*)\)/.exec(userAgent)?.[1]?.trim() ?? 'unknown';
  for (const [pattern, name] of BROWSERS) {
    const m = pattern.exec(userAgent);
    if (m !== null) return { name, version: m[1] ?? '', os };
  }
  return { name: 'unknown', version: '', os };
}

function webglRenderer(g: PageGlobals): BrowserIdentity['webgl'] {
  const gl = g.document.createElement('canvas').getContext('webgl2');
  if (gl === null) return undefined;
  const debug = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_VENDOR_WEBGL: number; UNMASKED_RENDERER_WEBGL: number } | null;
  const vendor = gl.getParameter(debug?.UNMASKED_VENDOR_WEBGL ?? gl.VENDOR);
  const renderer = gl.getParameter(debug?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER);
  return { vendor: String(vendor ?? ''), renderer: String(renderer ?? '') };
}

async function webgpuAdapter(g: PageGlobals): Promise<{ adapter?: GpuIdentity; missing?: string }> {
  const gpu = g.navigator.gpu;
  if (gpu === undefined) {
    return { missing: g.isSecureContext ? 'this browser has no WebGPU (navigator.gpu is missing)' : 'WebGPU needs a secure context (https, or http://127.0.0.1 / localhost); this page is not one' };
  }
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (adapter === null) return { missing: 'navigator.gpu.requestAdapter() found no adapter' };
  const legacy = adapter as unknown as { info?: GPUAdapterInfo; requestAdapterInfo?: () => Promise<GPUAdapterInfo> };
  const info = legacy.info ?? (await legacy.requestAdapterInfo?.());
  return { adapter: { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', device: info?.device ?? '', description: info?.description ?? '' } };
}

/** The smallest step of `performance.now()` over a few dozen ticks (ms). */
export function timerResolutionMs(now: () => number = () => performance.now()): number {
  let smallest = Number.POSITIVE_INFINITY;
  let last = now();
  const deadline = last + 50;
  for (let steps = 0; steps < 50; ) {
    const t = now();
    if (t !== last) {
      smallest = Math.min(smallest, t - last);
      last = t;
      steps++;
    }
    if (t > deadline) break;
  }
  return Number.isFinite(smallest) ? smallest : 0;
}

/** Gathers the browser's facts. */
export async function browserFacts(g: PageGlobals): Promise<BrowserFacts> {
  const ua = parseUserAgent(g.navigator.userAgent);
  const webgpu = await webgpuAdapter(g);
  const webgl = webglRenderer(g);
  const browser: BrowserIdentity = {
    name: ua.name,
    version: ua.version,
    platform: g.navigator.platform || 'unknown',
    ...(webgl === undefined ? {} : { webgl }),
    ...(webgpu.adapter === undefined ? {} : { webgpu: webgpu.adapter }),
    secureContext: g.isSecureContext,
    crossOriginIsolated: g.crossOriginIsolated,
    timerResolutionMs: timerResolutionMs(),
  };
  return {
    userAgent: g.navigator.userAgent,
    os: ua.os,
    cores: g.navigator.hardwareConcurrency ?? 1,
    browser,
    ...(webgpu.missing === undefined ? {} : { webgpuMissing: webgpu.missing }),
  };
}

/** The identity of a backend running in this browser, as every device profile records it. */
export function browserDeviceIdentity(facts: BrowserFacts, backend: string, tfjsBackend: string, threads: number, gpu?: GpuIdentity): DeviceIdentity {
  return {
    backend,
    tfjsBackend,
    tfjsVersion: tf.version_core,
    runtime: 'browser',
    os: facts.os,
    cpuModel: BROWSER_CPU_MODEL,
    cpuCores: facts.cores,
    threads,
    ...(gpu === undefined ? {} : { gpu }),
    userAgent: facts.userAgent,
    browser: facts.browser,
  };
}
