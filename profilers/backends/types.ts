/** What differs between the profilers of backend families: the timer and how long to time. */
import type { TimingPlan } from '../harness/bench.js';
import type { ProbeTimer } from '../harness/timer.js';
import type { EndToEndOptions } from '../end-to-end.js';

/** One backend family's profiler settings on the shared harness. */
export interface BackendProfiler {
  readonly backends: readonly string[];
  readonly timer: ProbeTimer;
  /** Timing of sweep points and microbenchmarks. */
  readonly plan: TimingPlan;
  /** Timing of end-to-end calibration and validation networks. */
  readonly endToEnd: EndToEndOptions;
}
