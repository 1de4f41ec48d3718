/** The cpu profiler: the pure-JS backend is slow, so fewer runs per point. */
import { wallTimer } from '../harness/timer.js';
import type { BackendProfiler } from './types.js';

export const cpuProfiler: BackendProfiler = {
  backends: ['cpu'],
  timer: wallTimer,
  plan: { warmupMs: 100, warmupRuns: 2, rounds: 7, iterations: 1 },
  endToEnd: { warmupMs: 600, warmupRuns: 10, rounds: 11, runsPerRound: 3 },
  queued: false,
};
