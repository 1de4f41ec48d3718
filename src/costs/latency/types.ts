/**
 * Latency features: for each op family, the terms a device's latency is fitted on (overhead, work at
 * channel counts rounded up to the device's tile steps, data moved, and the same terms again on
 * channel counts where the device's vectorized kernels take their slow paths, by an alignment rule).
 */
import type { ALIGNMENT_RULE_NAMES, Geometry } from '../../profile/schema.js';

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

/**
 * When a vectorized kernel takes its slow path, as rules on (aIn, aOut) and the op's geometry and batch;
 * a fit picks the rule its device's measurements follow. `in4-out4`: either count not a multiple of 4
 * (wasm's XNNPACK kernels, and the rule of profiles that name none); `in4or3-out4`: tfjs-webgpu's vec4
 * conv condition (input channels a multiple of 4 or 3, output channels a multiple of 4);
 * `in4or3-out4-over4`: the same, but a convolution with at most 4 outputs counts as fast (tfjs-webgpu's
 * scalar path runs it on a narrow workgroup: on lavapipe 2.3 ms for 16→2 channels, where 16→8 took 2.8
 * and 17→26 took 9.4); `out4`: the output count only; `in4or3-out4-few-workgroups`: the vec4 condition,
 * and also every convolution whose output tfjs-webgpu would cover with at most 8 tiles of 32x32 (batch ·
 * ⌈positions / 32⌉ · ⌈out / 32⌉ ≤ 8: it then copies patches out (im2col) and multiplies them with a
 * small-output matrix program; on lavapipe a 3x3 convolution at 14x14 took 10.8 ms for 32→32 channels,
 * where 36→36, past the threshold, took 4.5: `npm run bench:conv-paths`).
 */
export const ALIGNMENT_RULES: Readonly<Record<AlignmentRule, (aIn: number, aOut: number, g: Geometry, batch: number) => boolean>> = {
  'in4-out4': isUnaligned,
  'in4or3-out4': vec4ConvUnaligned,
  'in4or3-out4-over4': (aIn, aOut) => aOut > 4 && vec4ConvUnaligned(aIn, aOut),
  out4: (_aIn, aOut) => aOut % 4 !== 0,
  'in4or3-out4-few-workgroups': (aIn, aOut, g, batch) => vec4ConvUnaligned(aIn, aOut) || hasFewWorkgroups(g, aOut, batch),
};

function vec4ConvUnaligned(aIn: number, aOut: number): boolean {
  return (aIn % 4 !== 0 && aIn % 3 !== 0) || aOut % 4 !== 0;
}

/** Tiles of 32x32 (output positions by output channels) up to which tfjs-webgpu adds workgroups another way. */
const FEW_WORKGROUPS = 8;

function hasFewWorkgroups(g: Geometry, aOut: number, batch: number): boolean {
  return g.kind === 'conv2d' && batch * Math.ceil(positions(g.outputShape) / 32) * Math.ceil(aOut / 32) <= FEW_WORKGROUPS;
}

/** The name of an alignment rule. */
export type AlignmentRule = (typeof ALIGNMENT_RULE_NAMES)[number];

/** The rule of fits that name none. */
export const DEFAULT_ALIGNMENT: AlignmentRule = 'in4-out4';

/** The slow-path predicate of a fit's alignment rule. */
export function alignmentOf(fit: { readonly align?: AlignmentRule | undefined }): (aIn: number, aOut: number, g: Geometry, batch: number) => boolean {
  return ALIGNMENT_RULES[fit.align ?? DEFAULT_ALIGNMENT];
}

/** True when a channel count is not a multiple of 4 (the default alignment rule). */
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
