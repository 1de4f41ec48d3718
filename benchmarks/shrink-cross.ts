/**
 * bench:shrink's device-specific comparison (table (c)): on one device, its own latency-targeted
 * architectures against every other device's, at matched accuracy. Each device's architectures at the
 * budgets form its accuracy-latency curve (MorphNet shrinking for that device to each budget); an own
 * architecture is placed on the other devices' curves at its accuracy, and each other device's
 * architecture on the own curve at its accuracy, the way (b) matches the latency and FLOP targets.
 */
import { median } from 'simple-statistics';
import { latencyAtAccuracy, matchedAccuracyMargin } from './accuracy-match.js';
import type { AccuracyPoint } from './accuracy-match.js';
import { budgetPct } from './budgets.js';
import { percent as pct } from './markdown.js';

/** A latency-targeted architecture: the device it was shrunk for, its budget, its mean accuracy and latency on the device timed. */
export interface DeviceArchitecturePoint extends AccuracyPoint {
  readonly device: string | null;
  readonly budget: number;
}

const label = (a: DeviceArchitecturePoint): string => `for ${a.device ?? 'no device'} at ${budgetPct(a.budget)}`;

/**
 * The Markdown rows of (c) for the device `device` was timed on, and the median of their margins
 * (undefined when no accuracy is bracketed). A margin is how much faster the own architectures run than
 * the other device's at the same accuracy: positive where the own curve is faster.
 */
export function crossDeviceRows(
  device: string,
  own: readonly DeviceArchitecturePoint[],
  others: readonly (readonly DeviceArchitecturePoint[])[],
): { rows: string[]; margin: number | undefined } {
  const rows: string[] = [];
  const margins: number[] = [];
  const row = (a: DeviceArchitecturePoint, against: string, margin: number | undefined): void => {
    if (margin !== undefined) margins.push(margin);
    rows.push(`| ${device} | ${label(a)} | ${pct(a.accuracy)} | ${a.ms.toFixed(2)} | ${against} | ${margin === undefined ? '–' : pct(margin)} |`);
  };
  for (const a of own) {
    const matched = matchedAccuracyMargin(a, others);
    row(
      a,
      matched === undefined ? "outside the other device's accuracies" : matched.others.map((o) => `${o.ms.toFixed(2)} (between ${label(o.below)} and ${label(o.above)})`).join(', '),
      matched?.margin,
    );
  }
  for (const family of others) {
    for (const o of family) {
      const at = latencyAtAccuracy(own, o.accuracy);
      row(o, at === undefined ? "outside this device's own accuracies" : `${at.toFixed(2)} (own)`, at === undefined ? undefined : o.ms / at - 1);
    }
  }
  const margin = margins.length === 0 ? undefined : median(margins);
  rows.push(`| ${device} | all ${margins.length} matched comparisons | | | median margin | ${margin === undefined ? '–' : `${pct(margin)}${margin >= 0.1 ? ' (≥ 10%)' : ' (under 10%)'}`} |`);
  return { rows, margin };
}
