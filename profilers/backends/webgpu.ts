/**
 * The webgpu profiler: wall time with readback (what end-to-end latency sees) and kernel times from
 * timestamp queries, both recorded. On lavapipe the GPU shares the CPU, so it takes more rounds.
 */
import { deviceTimestampTimer } from '../harness/timer.js';
import type { BackendProfiler } from './types.js';

export const webgpuProfiler: BackendProfiler = {
  backends: ['webgpu'],
  timer: deviceTimestampTimer,
  plan: { warmupMs: 200, warmupRuns: 3, rounds: 9, iterations: 1 },
  endToEnd: { warmupMs: 1000, warmupRuns: 10, rounds: 15, runsPerRound: 3 },
  queued: true,
};
