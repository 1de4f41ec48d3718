/**
 * Latency features: for each op family, the terms a device's latency is fitted on (overhead, work at
 * channel counts rounded up to the device's tile steps, data moved, and the same terms again on
 * channel counts that are not multiples of 4, where vectorized kernels fall back to slow paths).
 */
import type { Geometry } from '../../profile/schema.js';

/** Channel rounding steps of a fit: counts are rounded up to multiples of these (staircases). */
export interface Steps {
  readonly qIn: number;
  readonly qOut: number;
}

/** One op family's feature map. One file per family implements it. */
export interface LatencyFamily {
  readonly name: string;
  /** Names of the features, in order (for reports). */
  readonly featureNames: readonly string[];
  /** Whether a staircase in input (output) channels is searched for when fitting. */
  readonly stepsIn: boolean;
  readonly stepsOut: boolean;
  /**
   * Features at alive counts (aIn, aOut), batch, rounding steps, and whether the counts count as
   * unaligned (held fixed when taking derivatives).
   */
  features(g: Geometry, aIn: number, aOut: number, batch: number, steps: Steps, unaligned: boolean): number[];
}

/** True when a channel count is not a multiple of 4. */
export function isUnaligned(aIn: number, aOut: number): boolean {
  return aIn % 4 !== 0 || aOut % 4 !== 0;
}

/** `a` rounded up to a multiple of `q`. */
export function roundUp(a: number, q: number): number {
  return Math.ceil(a / q) * q;
}

/** Positions (all dimensions but channels) of a shape. */
export function positions(shape: readonly number[]): number {
  return shape.slice(0, -1).reduce((x, y) => x * y, 1);
}

/** Mega-units, to keep features of similar magnitude. */
export const MEGA = 1e-6;
