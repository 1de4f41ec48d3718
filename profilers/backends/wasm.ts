/** The wasm profiler: synchronous kernels timed by wall clock; fast enough for many rounds. */
import { wallTimer } from '../harness/timer.js';
import type { BackendProfiler } from './types.js';

export const wasmProfiler: BackendProfiler = {
  backends: ['wasm'],
  timer: wallTimer,
  plan: { warmupMs: 150, warmupRuns: 3, rounds: 15, iterations: 1 },
  endToEnd: { warmupMs: 600, warmupRuns: 10, rounds: 21, runsPerRound: 3 },
  queued: false,
};
