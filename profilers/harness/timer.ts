/**
 * Timers as plug-ins. Every timer times one run of a probe with wall clock (with the download of its
 * results on asynchronous backends); a backend that can time kernels on the device adds that time.
 */
import * as tf from '@tensorflow/tfjs-core';

/** One run of a probe: returns the tensors it made (the timer disposes them). */
export type ProbeRun = () => tf.Tensor | tf.Tensor[];

/** How a profiler times probes on one backend. */
export interface ProbeTimer {
  readonly name: string;
  /** The function tinybench times: one complete run of the probe. */
  task(run: ProbeRun): () => unknown;
  /** Device time of one run (ms), for backends that measure kernels on the device. */
  deviceMs?(run: ProbeRun): Promise<number>;
}

function asList(t: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(t) ? t : [t];
}

/** Wall clock around a synchronous backend's run (cpu, wasm, tensorflow compute when the op is called). */
export const wallTimer: ProbeTimer = {
  name: 'wall',
  task(run) {
    return () => {
      tf.dispose(run());
    };
  },
};

/** Wall clock around a run and the download of its results (asynchronous backends such as webgpu). */
export const readbackTimer: ProbeTimer = {
  name: 'wall+readback',
  task(run) {
    return async () => {
      const out = asList(run());
      await Promise.all(out.map((t) => t.data()));
      tf.dispose(out);
    };
  },
};

/** Wall clock with readback, plus kernel times from the device's timestamp queries (`tf.profile`). */
export const deviceTimestampTimer: ProbeTimer = {
  name: 'wall+readback,timestamp-query',
  task: readbackTimer.task,
  async deviceMs(run) {
    let out: tf.Tensor[] = [];
    const info = await tf.profile(async () => {
      out = asList(run());
      await Promise.all(out.map((t) => t.data()));
      return out;
    });
    tf.dispose(out);
    const times = info.kernels.map((k) => (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : Number.NaN));
    const total = times.reduce((a, b) => a + b, 0);
    return Number.isFinite(total) && total > 0 ? total : Number.NaN;
  },
};
