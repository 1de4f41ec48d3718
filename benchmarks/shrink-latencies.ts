/**
 * Latencies an earlier bench:shrink run measured, for a run that only adds retrainings: its
 * benchmarks/results/shrink.json holds every pass of every architecture's latency on every device, so
 * more retraining seeds (which change accuracies, never structures) can be folded in without timing
 * again on a machine that is busier or slower than the one that measured them.
 */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { sameStructure } from '../src/graph/index.js';
import type { KeptArchitecture } from './shrink-retrain.js';

/** What a results entry must hold for its latencies to be taken (other fields pass unchecked). */
const RecordedDeviceSchema = z.object({
  model: z.string(),
  device: z.string(),
  seedMsPasses: z.array(z.number()),
  architectures: z.array(
    z.object({
      method: z.string(),
      device: z.string().nullable().optional(),
      budget: z.number(),
      accuracy: z.number().optional(),
      accuracies: z.array(z.number()).optional(),
      structure: z.record(z.string(), z.number()),
      msPasses: z.array(z.number()),
    }),
  ),
});

/** One (model, device) entry of bench:shrink's results file, as far as its latencies go. */
export type RecordedDevice = z.infer<typeof RecordedDeviceSchema>;

/** One measurement pass of a device: the seed's latency and each architecture's, in the order asked. */
export interface LatencyPass {
  readonly seedMs: number;
  readonly ms: readonly number[];
}

/** The entries of a bench:shrink results file; throws an Error naming the file and what is wrong with it. */
export async function readRecordedLatencies(file: string): Promise<RecordedDevice[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read bench:shrink results (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseRecordedLatencies(text, file);
}

/** The entries of a bench:shrink results file's `text` (read from `file`); throws an Error naming the file and what is wrong with it. */
export function parseRecordedLatencies(text: string, file: string): RecordedDevice[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: cannot read bench:shrink results (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${file}: not bench:shrink results (expected a list of (model, device) entries)`);
  const bad = parsed.findIndex((e) => !RecordedDeviceSchema.safeParse(e).success);
  if (bad >= 0) throw new Error(`${file}: entry ${bad} lacks model, device, seedMsPasses or architectures`);
  return parsed as RecordedDevice[];
}

/**
 * The recorded passes of `model` on `device` for `architectures` (each found by method, budget and
 * exactly the same structure), pass by pass; throws an Error naming the architecture that has none.
 */
export function recordedPasses(recorded: readonly RecordedDevice[], model: string, device: string, architectures: readonly KeptArchitecture[]): LatencyPass[] {
  const entry = recorded.find((e) => e.model === model && e.device === device);
  if (entry === undefined) throw new Error(`no recorded latencies of ${model} on ${device}`);
  const passes = entry.seedMsPasses.length;
  const ms = architectures.map((a) => {
    const found = entry.architectures.find((r) => r.method === a.method && r.budget === a.budget && sameStructure(r.structure, a.structure));
    if (found === undefined) {
      throw new Error(`no recorded latency of ${model}'s ${a.method} architecture at ${a.budget} on ${device} with this structure`);
    }
    if (found.msPasses.length !== passes) {
      throw new Error(`${model}'s ${a.method} architecture at ${a.budget} on ${device} has ${found.msPasses.length} recorded passes, the seed ${passes}`);
    }
    return found.msPasses;
  });
  return entry.seedMsPasses.map((seedMs, p) => ({ seedMs, ms: ms.map((passesOfOne) => passesOfOne[p] ?? Number.NaN) }));
}
