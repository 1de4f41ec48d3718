/**
 * The device's measured roofline, by microbenchmarks: sustained compute rate per op kind on
 * compute-bound shapes, memory bandwidth from an elementwise op over sizes, and the fixed per-kernel
 * overhead from a tiny op; and the nominal time of the reference probe that every later timed block
 * is taken relative to.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Roofline } from '../src/profile/schema.js';
import { timeProbes } from './harness/bench.js';
import type { Probe, TimingPlan } from './harness/bench.js';
import type { ProbeTimer } from './harness/timer.js';

interface Microbenchmark {
  readonly id: string;
  readonly make: () => { run: () => tf.Tensor; inputs: tf.Tensor[]; work: number };
}

const COMPUTE: readonly (Microbenchmark & { kind: string })[] = [
  {
    id: 'conv2d',
    kind: 'conv2d',
    make: () => {
      const x = tf.randomNormal([1, 14, 14, 64]);
      const w = tf.randomNormal([3, 3, 64, 64]);
      return { run: () => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), inputs: [x, w], work: 2 * 14 * 14 * 9 * 64 * 64 };
    },
  },
  {
    id: 'depthwise',
    kind: 'depthwise',
    make: () => {
      const x = tf.randomNormal([1, 28, 28, 128]);
      const w = tf.randomNormal([3, 3, 128, 1]);
      return { run: () => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), inputs: [x, w], work: 2 * 28 * 28 * 9 * 128 };
    },
  },
  {
    id: 'dense',
    kind: 'dense',
    make: () => {
      const x = tf.randomNormal([32, 512]);
      const w = tf.randomNormal([512, 512]);
      return { run: () => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), inputs: [x, w], work: 2 * 32 * 512 * 512 };
    },
  },
];

const BANDWIDTH_SIZES = [1 << 16, 1 << 18, 1 << 20];

/** The reference probe's id in the roofline block. */
const REFERENCE = 'reference';

/** A built reference probe: a small 3x3 conv, overhead and compute in typical proportion. */
export interface BuiltReference {
  readonly run: () => tf.Tensor;
  dispose(): void;
}

/** Builds the reference probe that timed blocks are taken relative to (see harness/bench.ts). */
export function buildReference(): BuiltReference {
  const x = tf.randomNormal([1, 14, 14, 16], 0, 1, 'float32', 11) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 16, 16], 0, 1, 'float32', 12) as tf.Tensor4D;
  return { run: () => tf.conv2d(x, w, 1, 'same'), dispose: () => tf.dispose([x, w]) };
}

/**
 * Measures the roofline with `timer` under `plan`. The reference is timed in a block of its own (with
 * only the tiny op beside it), away from the large microbenchmarks that would leave its caches cold.
 */
export async function measureRoofline(timer: ProbeTimer, plan: TimingPlan, signal?: AbortSignal): Promise<Roofline> {
  const made: { id: string; work: number; kind: 'compute' | 'bytes' | 'overhead'; run: () => tf.Tensor; inputs: tf.Tensor[] }[] = [];
  for (const c of COMPUTE) made.push({ id: c.kind, kind: 'compute', ...c.make() });
  for (const n of BANDWIDTH_SIZES) {
    const x = tf.randomNormal([n]);
    made.push({ id: `relu-${n}`, kind: 'bytes', run: () => tf.relu(x), inputs: [x], work: 8 * n });
  }
  const tiny = tf.randomNormal([1]);
  made.push({ id: 'overhead', kind: 'overhead', run: () => tf.relu(tiny), inputs: [tiny], work: 0 });
  const reference = buildReference();
  try {
    const probes: Probe[] = made.map((m) => ({ id: m.id, run: m.run }));
    const block = signal === undefined ? {} : { signal };
    const timings = new Map((await timeProbes(probes, timer, plan, block)).map((t) => [t.id, t.wallMs]));
    const tinyProbe = probes[probes.length - 1]!;
    for (const t of await timeProbes([{ id: REFERENCE, run: reference.run }, tinyProbe], timer, plan, block)) if (t.id === REFERENCE) timings.set(REFERENCE, t.wallMs);
    const overheadMs = timings.get('overhead') ?? 0;
    const gflops: Record<string, number> = {};
    for (const m of made.filter((x) => x.kind === 'compute')) gflops[m.id] = m.work / ((timings.get(m.id) ?? 1) * 1e6);
    const bandwidth = Math.max(...made.filter((x) => x.kind === 'bytes').map((m) => m.work / ((timings.get(m.id) ?? 1) * 1e6)));
    return { gflops, bandwidthGBps: bandwidth, overheadUs: overheadMs * 1000, referenceMs: timings.get(REFERENCE) ?? 0 };
  } finally {
    for (const m of made) tf.dispose(m.inputs);
    reference.dispose();
  }
}
