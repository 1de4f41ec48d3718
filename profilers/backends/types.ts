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
  /**
   * Whether kernels queue on a device apart from JavaScript (webgpu, webgl): a layer timed alone then
   * waits for its own dispatch and result, which a network of queued kernels hides, so the end-to-end
   * calibration looks for that hidden time. Synchronous backends (cpu, wasm, tensorflow) run a layer
   * alone as they run it in a network, and calibrate without one.
   */
  readonly queued: boolean;
}
