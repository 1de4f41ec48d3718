/**
 * Latency at matched accuracy: two architectures are compared at the same test accuracy by placing one
 * on the accuracy-latency curve of the other's family (the other architecture under a few width
 * multipliers, each retrained), linear between the two members whose accuracies bracket it. Used by
 * bench:shrink (latency target against FLOP target) and bench:compare (`--accuracy-family`).
 */

/** One retrained network: its mean test accuracy and its latency on the device being compared. */
export interface AccuracyPoint {
  readonly accuracy: number;
  readonly ms: number;
}

/** The two members of a family whose accuracies bracket an accuracy, and the latency between them. */
export interface Bracketed<P extends AccuracyPoint = AccuracyPoint> {
  readonly ms: number;
  readonly below: P;
  readonly above: P;
}

/**
 * The family's latency at `accuracy`, linear between the two members (adjacent in accuracy) that
 * bracket it; undefined when every member is more accurate or every one less.
 */
export function bracketAtAccuracy<P extends AccuracyPoint>(points: readonly P[], accuracy: number): Bracketed<P> | undefined {
  const sorted = [...points].sort((a, b) => a.accuracy - b.accuracy);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const below = sorted[i]!;
    const above = sorted[i + 1]!;
    if (accuracy < below.accuracy || accuracy > above.accuracy) continue;
    const ms =
      above.accuracy === below.accuracy
        ? Math.min(below.ms, above.ms)
        : below.ms + ((accuracy - below.accuracy) / (above.accuracy - below.accuracy)) * (above.ms - below.ms);
    return { ms, below, above };
  }
  return undefined;
}

/** `bracketAtAccuracy`'s latency alone. */
export function latencyAtAccuracy(points: readonly AccuracyPoint[], accuracy: number): number | undefined {
  return bracketAtAccuracy(points, accuracy)?.ms;
}

/**
 * Row `own` of a cross matrix at matched accuracy: how much slower, on this row's device, every other
 * architecture's family runs at the own architecture's accuracy than the own architecture does (the
 * fastest of them over the own latency, minus 1, as an own-fastest margin). Undefined when some other
 * family does not bracket that accuracy: then the row is not matched.
 */
export function matchedAccuracyMargin<P extends AccuracyPoint>(
  own: AccuracyPoint,
  families: readonly (readonly P[])[],
): { margin: number; others: Bracketed<P>[] } | undefined {
  const others: Bracketed<P>[] = [];
  for (const family of families) {
    const at = bracketAtAccuracy(family, own.accuracy);
    if (at === undefined) return undefined;
    others.push(at);
  }
  if (others.length === 0) return undefined;
  return { margin: Math.min(...others.map((o) => o.ms)) / own.ms - 1, others };
}
