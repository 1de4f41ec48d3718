/**
 * The webgl profiler (in a browser page): wall time with readback, since WebGL runs asynchronously,
 * plus kernel times from the GPU's timer queries where the browser exposes
 * EXT_disjoint_timer_query_webgl2 (recorded as null where it does not). Shader compilation happens on
 * a shape's first run, so warm-up matters as much as on webgpu.
 */
import { deviceTimestampTimer } from '../harness/timer.js';
import type { BackendProfiler } from './types.js';

export const webglProfiler: BackendProfiler = {
  backends: ['webgl'],
  timer: deviceTimestampTimer,
  plan: { warmupMs: 200, warmupRuns: 3, rounds: 9, iterations: 1 },
  endToEnd: { warmupMs: 1000, warmupRuns: 10, rounds: 15, runsPerRound: 3 },
  queued: true,
};
