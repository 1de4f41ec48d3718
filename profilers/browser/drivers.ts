/**
 * Starting a tfjs backend in the profiling page: one driver per browser backend (webgl, webgpu,
 * wasm) says whether this browser can run it and starts it, and the result is the same ActiveBackend
 * `runProfile` gets in Node, with the browser's identity. The cpu backend is registered too, as in
 * `@tensorflow/tfjs`, because webgl hands tiny ops to it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { ActiveBackend, GpuIdentity } from '../../src/backends/types.js';
import type { BrowserFacts } from './identity.js';
import { browserDeviceIdentity } from './identity.js';
import type { BrowserBackendName } from './protocol.js';
import { WASM_FILES } from './protocol.js';

/** What a driver needs from the page: its facts, and where the wasm binaries are served. */
export interface DriverContext {
  readonly facts: BrowserFacts;
  /** The URL of each file in WASM_FILES. */
  readonly wasmUrls: Readonly<Record<(typeof WASM_FILES)[number], string>>;
}

interface BrowserDriver {
  readonly name: BrowserBackendName;
  /** Why this browser cannot run the backend, or undefined when it can. */
  unavailable(context: DriverContext): string | undefined;
  /** Anything to set before `tf.setBackend`. */
  prepare(context: DriverContext): void;
  gpu(context: DriverContext): GpuIdentity | undefined;
  threads(): number;
  kernelTimer(): ActiveBackend['kernelTimer'];
}

const webgl: BrowserDriver = {
  name: 'webgl',
  unavailable: (c) => (c.facts.browser.webgl === undefined ? 'this browser gives no WebGL2 context' : undefined),
  prepare() {},
  gpu(c) {
    const gl = c.facts.browser.webgl;
    return gl === undefined ? undefined : { vendor: gl.vendor, architecture: '', device: '', description: gl.renderer };
  },
  threads: () => 1,
  kernelTimer: () => (tf.env().getNumber('WEBGL_DISJOINT_QUERY_TIMER_EXTENSION_VERSION') > 0 ? 'device' : 'wall'),
};

const webgpu: BrowserDriver = {
  name: 'webgpu',
  unavailable: (c) => (c.facts.browser.webgpu === undefined ? (c.facts.webgpuMissing ?? 'no WebGPU adapter') : undefined),
  prepare() {},
  gpu: (c) => c.facts.browser.webgpu,
  threads: () => 1,
  kernelTimer: () => ((tf.backend() as { supportTimestampQuery?: boolean }).supportTimestampQuery === true ? 'device' : 'wall'),
};

const wasm: BrowserDriver = {
  name: 'wasm',
  unavailable: () => ((globalThis as { WebAssembly?: unknown }).WebAssembly === undefined ? 'this browser has no WebAssembly' : undefined),
  prepare(c) {
    // The page is cross-origin isolated for fine timers, which would let tfjs run wasm on threads;
    // most sites are not isolated, so profile the single-threaded wasm they get.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths({ ...c.wasmUrls });
  },
  gpu: () => undefined,
  threads: () => getThreadsCount(),
  kernelTimer: () => 'wall',
};

const DRIVERS: Readonly<Record<BrowserBackendName, BrowserDriver>> = { webgl, webgpu, wasm };

/** A started backend, or why it cannot start in this browser. */
export type BrowserBackendStart = { readonly ok: true; readonly backend: ActiveBackend } | { readonly ok: false; readonly reason: string };

/** Makes `name` the active tfjs backend and describes it. */
export async function startBrowserBackend(name: BrowserBackendName, context: DriverContext): Promise<BrowserBackendStart> {
  const driver = DRIVERS[name];
  const missing = driver.unavailable(context);
  if (missing !== undefined) return { ok: false, reason: missing };
  tf.env().set('PROD', true);
  driver.prepare(context);
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    return { ok: false, reason: `tfjs could not start it (${String(e)})` };
  }
  if (!ok || tf.getBackend() !== name) return { ok: false, reason: 'tfjs could not start it (see the browser console)' };
  const gpu = driver.gpu(context);
  return {
    ok: true,
    backend: { name, kernelTimer: driver.kernelTimer(), identity: browserDeviceIdentity(context.facts, name, name, driver.threads(), gpu) },
  };
}
