/** A time budget: how much of it is spent, how much is left, and a share of it for one phase. */

/** A wall-clock budget that started when it was made. */
export class Budget {
  readonly totalMs: number;
  private readonly start: number;
  private readonly spentBefore: number;

  /** `spentBeforeMs` counts time spent in an earlier, interrupted run of the same work. */
  constructor(totalSeconds: number, spentBeforeMs = 0) {
    this.totalMs = totalSeconds * 1000;
    this.start = performance.now();
    this.spentBefore = spentBeforeMs;
  }

  /** Milliseconds spent, earlier runs included. */
  spentMs(): number {
    return this.spentBefore + performance.now() - this.start;
  }

  /** Milliseconds left (never negative). */
  leftMs(): number {
    return Math.max(0, this.totalMs - this.spentMs());
  }

  /** True while the spent share is below `share` of the total. */
  within(share: number): boolean {
    return this.spentMs() < share * this.totalMs;
  }
}
