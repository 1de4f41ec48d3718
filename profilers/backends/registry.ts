/** The table from backend name to its profiler, with wasm's settings as the default. */
import { cpuProfiler } from './cpu.js';
import { tensorflowProfiler } from './tensorflow.js';
import type { BackendProfiler } from './types.js';
import { wasmProfiler } from './wasm.js';
import { webgpuProfiler } from './webgpu.js';
import { webglProfiler } from './webgl.js';

const PROFILERS: readonly BackendProfiler[] = [cpuProfiler, wasmProfiler, webgpuProfiler, webglProfiler, tensorflowProfiler];

/** The profiler of a backend. */
export function profilerFor(backend: string): BackendProfiler {
  return PROFILERS.find((p) => p.backends.includes(backend)) ?? wasmProfiler;
}
