/**
 * bench:compare at matched accuracy: each device's architecture gets a family of networks around it,
 * each retrained as the architectures are. With `--accuracy-family` the members are the architecture
 * under a few width multipliers (MorphNet's expansion step: one multiplier over the structure, then
 * snapped to its own device again); with `--ratio-family` they are MorphNet's shrinks for the same
 * device to other target ratios (the device's own accuracy-latency curve). Every row then compares its
 * own architecture with every other architecture's family at the own architecture's accuracy
 * (`matchedAccuracyMargin`), so no accuracy tolerance and no FLOP matching decides what "matched" means.
 * Multiplier members and their retrainings are kept under `<work>/<model>/family/` and reused.
 */
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mean, median } from 'simple-statistics';
import { flopsTarget } from '../src/costs/index.js';
import { latencyTarget } from '../src/costs/latency/index.js';
import type { Structure } from '../src/graph/alive.js';
import { buildGraph } from '../src/graph/build.js';
import type { OpGraph } from '../src/graph/types.js';
import { keptOrRetrained } from '../src/compare/index.js';
import type { RetrainingKey } from '../src/compare/index.js';
import { buildShrunkModel, scaleStructure, snapStructure, structureCost } from '../src/morph/structure/index.js';
import type { DeviceProfile } from '../src/profile/schema.js';
import { fileSlug } from '../src/util/slug.js';
import { matchedAccuracyMargin } from './accuracy-match.js';
import type { AccuracyPoint, Bracketed } from './accuracy-match.js';

/**
 * A member of an architecture's family with its retrained accuracies: the architecture under one width
 * multiplier, snapped to its device, or (with `ratio`) MorphNet's shrink for the same device to
 * another target ratio (`multiplier` 1 then).
 */
export interface FamilyMember {
  /** Index of the architecture (and of its device) in the compare result. */
  readonly architecture: number;
  readonly multiplier: number;
  readonly ratio?: number;
  readonly structure: Structure;
  readonly mflops: number;
  readonly accuracies: readonly number[];
}

/** How a member was made, as the tables name it: "×0.8", or "shrunk to 0.25". */
export function memberLabel(member: { readonly multiplier: number; readonly ratio?: number | undefined }): string {
  return member.ratio === undefined ? `×${member.multiplier}` : `shrunk to ${member.ratio}`;
}

/** The multipliers of `--accuracy-family` ("0.8,1.25"), each positive and not 1. */
export function parseMultipliers(text: string): number[] {
  const multipliers = text.split(',').map((s) => Number(s.trim()));
  for (const m of multipliers) {
    if (!(Number.isFinite(m) && m > 0 && m !== 1)) throw new Error(`--accuracy-family: every multiplier must be a positive number other than 1, got "${text}"`);
  }
  return [...new Set(multipliers)].sort((a, b) => a - b);
}

/** The target ratios of `--ratio-family` ("0.25,0.75"), each in (0, 1) and not the compare's own `targetRatio`. */
export function parseRatios(text: string, targetRatio: number): number[] {
  const ratios = text.split(',').map((s) => Number(s.trim()));
  for (const r of ratios) {
    if (!(Number.isFinite(r) && r > 0 && r < 1 && r !== targetRatio)) {
      throw new Error(`--ratio-family: every ratio must be a number in (0, 1) other than --target-ratio (${targetRatio}), got "${text}"`);
    }
  }
  return [...new Set(ratios)].sort((a, b) => a - b);
}

/** `structure` under one width multiplier, snapped to `profile`'s device as a shrunk architecture is. */
export function familyStructure(graph: OpGraph, profile: DeviceProfile, structure: Structure, multiplier: number): Structure {
  return snapStructure(graph, scaleStructure(graph, structure, multiplier), latencyTarget(profile)).structure;
}

/**
 * Every architecture's family members, made and retrained with seeds 1 to `seeds`. Each retraining is
 * kept in `<dir>/<device>-x<m>/retrained-<seed>.json` with what it depends on (`keyOf`: the structure,
 * the seed, the training settings and data) and reused while that is the same.
 */
export async function familyMembers(options: {
  seed: tfl.LayersModel;
  profiles: readonly DeviceProfile[];
  structures: readonly Structure[];
  multipliers: readonly number[];
  seeds: number;
  dir: string;
  retrain: (label: string, model: tfl.LayersModel, seed: number) => Promise<number | undefined>;
  keyOf: (structure: Structure, seed: number) => RetrainingKey;
  log: (message: string) => void;
}): Promise<FamilyMember[]> {
  const members: FamilyMember[] = [];
  const graph = buildGraph(options.seed);
  for (const [i, profile] of options.profiles.entries()) {
    const own = options.structures[i];
    if (own === undefined) continue;
    for (const multiplier of options.multipliers) {
      const structure = familyStructure(graph, profile, own, multiplier);
      const label = `${profile.name} ×${multiplier}`;
      const memberDir = path.join(options.dir, `${fileSlug(profile.name)}-x${multiplier}`);
      const accuracies: number[] = [];
      for (let s = 1; s <= options.seeds; s++) {
        const accuracy = await keptOrRetrained(memberDir, options.keyOf(structure, s), async () => {
          options.log(`the architecture for ${label}: retraining with seed ${s} of ${options.seeds}`);
          const { model } = await buildShrunkModel(options.seed, structure);
          try {
            return await options.retrain(label, model, s);
          } finally {
            model.dispose();
          }
        });
        if (accuracy === undefined) throw new Error(`retraining ${label} gave no accuracy (no test data?)`);
        accuracies.push(accuracy);
      }
      members.push({ architecture: i, multiplier, structure, mflops: structureCost(graph, flopsTarget(), structure) / 1e6, accuracies });
    }
  }
  return members;
}

/** One row's comparison at matched accuracy in one measuring pass. */
export interface MatchedRow {
  readonly margin: number;
  readonly ownMs: number;
  /** For each other architecture (in order, the own one left out): its family's latency at the own accuracy. */
  readonly others: readonly (Bracketed<FamilyPoint> & { readonly architecture: number })[];
}

/** A family member as a point on its accuracy-latency curve, named as the tables name it (`ownLabel`: the architecture itself). */
export interface FamilyPoint extends AccuracyPoint {
  readonly label: string;
}

/**
 * Row `i` of one pass at matched accuracy. `ms` holds the row's latencies of the architectures, then of
 * the members in `members`' order; `accuracy[k]` is architecture k's mean accuracy; `ownLabel` names
 * the architectures themselves. Undefined when some other architecture's family does not bracket
 * architecture i's accuracy.
 */
export function matchedRow(i: number, ms: readonly number[], accuracy: readonly number[], members: readonly FamilyMember[], ownLabel = '×1'): MatchedRow | undefined {
  const count = accuracy.length;
  const point = (k: number): FamilyPoint => ({ accuracy: accuracy[k]!, ms: ms[k]!, label: ownLabel });
  const familyOf = (j: number): FamilyPoint[] => [
    point(j),
    ...members.flatMap((m, n) => (m.architecture === j ? [{ accuracy: mean([...m.accuracies]), ms: ms[count + n]!, label: memberLabel(m) }] : [])),
  ];
  const others = [...Array(count).keys()].filter((j) => j !== i);
  const matched = matchedAccuracyMargin(point(i), others.map(familyOf));
  if (matched === undefined) return undefined;
  return { margin: matched.margin, ownMs: point(i).ms, others: matched.others.map((o, n) => ({ ...o, architecture: others[n]! })) };
}

/** The median of each row's margins over the passes (undefined where a row was never matched). */
export function medianMargins(passes: readonly (readonly (MatchedRow | undefined)[])[], rows: number): (number | undefined)[] {
  return [...Array(rows).keys()].map((i) => {
    const margins = passes.map((p) => p[i]?.margin).filter((m): m is number => m !== undefined);
    return margins.length === 0 ? undefined : median(margins);
  });
}
