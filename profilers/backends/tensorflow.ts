/** The native TensorFlow profiler (tfjs-node, tfjs-node-gpu): synchronous from JavaScript, wall clock. */
import { wallTimer } from '../harness/timer.js';
import type { BackendProfiler } from './types.js';

export const tensorflowProfiler: BackendProfiler = {
  backends: ['tensorflow', 'tensorflow-gpu'],
  timer: wallTimer,
  plan: { warmupMs: 150, warmupRuns: 3, rounds: 15, iterations: 1 },
  endToEnd: { warmupMs: 1000, warmupRuns: 10, rounds: 21, runsPerRound: 3 },
  queued: false,
};
