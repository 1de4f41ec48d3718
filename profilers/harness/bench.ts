/**
 * Interleaved timing on tinybench: every probe of a block is warmed up, then timed in several rounds,
 * each round visiting every probe once, so the machine's drift hits all of them alike. A probe's time
 * is the median of its round medians.
 */
import { median } from 'simple-statistics';
import { Bench } from 'tinybench';
import { CancelledError } from '../../src/errors.js';
import type { ProbeRun, ProbeTimer } from './timer.js';

/** One probe to time. */
export interface Probe {
  readonly id: string;
  readonly run: ProbeRun;
}

/** How long and how often to time. */
export interface TimingPlan {
  /** Warm-up per block: at least this many ms in total and `warmupRuns` runs of each probe. */
  readonly warmupMs: number;
  readonly warmupRuns: number;
  readonly rounds: number;
  /** Per probe and round: at least `iterations` runs and `roundMs` milliseconds. */
  readonly iterations: number;
  readonly roundMs: number;
}

/** A probe's timing: median wall ms over round medians, and device ms where the timer measures it. */
export interface ProbeTiming {
  readonly id: string;
  readonly wallMs: number;
  readonly deviceMs: number | null;
  readonly roundMediansMs: readonly number[];
}

/** Times a block of probes with warm-up and interleaved rounds. */
export async function timeProbes(probes: readonly Probe[], timer: ProbeTimer, plan: TimingPlan, signal?: AbortSignal): Promise<ProbeTiming[]> {
  const tasks = probes.map((p) => ({ probe: p, fn: timer.task(p.run) }));
  const start = performance.now();
  for (let i = 0; i < plan.warmupRuns || performance.now() - start < plan.warmupMs; i++) {
    if (signal?.aborted) throw new CancelledError();
    for (const t of tasks) await t.fn();
    if (i > 200) break;
  }
  const rounds = new Map<string, number[]>(probes.map((p) => [p.id, []]));
  const device = new Map<string, number[]>(probes.map((p) => [p.id, []]));
  for (let r = 0; r < plan.rounds; r++) {
    if (signal?.aborted) throw new CancelledError();
    const bench = new Bench({ time: plan.roundMs, iterations: plan.iterations, warmup: false, throws: true });
    for (const t of tasks) bench.add(t.probe.id, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`timing of ${task.name} ended ${result.state}`);
      rounds.get(task.name)?.push(result.latency.p50);
    }
    if (timer.deviceMs !== undefined && r === 0) {
      for (const t of tasks) device.get(t.probe.id)?.push(await timer.deviceMs(t.probe.run));
    }
  }
  return probes.map((p) => {
    const roundMediansMs = rounds.get(p.id) ?? [];
    const deviceTimes = (device.get(p.id) ?? []).filter(Number.isFinite);
    return {
      id: p.id,
      wallMs: median(roundMediansMs),
      deviceMs: deviceTimes.length > 0 ? median(deviceTimes) : null,
      roundMediansMs,
    };
  });
}
