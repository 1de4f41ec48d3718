/**
 * Fitting an op's latency function: for each candidate channel staircase and alignment rule,
 * non-negative least squares on relative error over the family's features; the candidate with the
 * lowest cross-validated error wins (a simpler one is kept unless another is 3% better; too few samples
 * get no staircase). Measured residual ratios are kept so the function passes through what was
 * measured.
 */
import { fittedLatency } from '../../src/costs/latency/fitted.js';
import { latencyFamilyFor } from '../../src/costs/latency/registry.js';
import { ALIGNMENT_RULES, DEFAULT_ALIGNMENT } from '../../src/costs/latency/types.js';
import type { AlignmentRule } from '../../src/costs/latency/types.js';
import type { Fit, Geometry, Sample } from '../../src/profile/schema.js';
import { errorSummary } from './errors.js';
import { nnls } from './nnls.js';

/** Staircase steps tried: up to 32, the channel tile of tfjs-webgpu's matrix and convolution programs. */
const STEP_CANDIDATES = [1, 2, 4, 8, 16, 32];
/**
 * The fewest samples a fit tries staircases on. Seven points of a cpu 1x1 convolution (a generic
 * profile's 120 s sweep) cross-validated best with an output step of 32, which priced every
 * convolution with 8 outputs as one with 32: inception-mini's narrow 1x1 layers at 3-7x their time.
 */
const MIN_SAMPLES_FOR_STEPS = 20;
/**
 * The fewest samples each side of an alignment rule needs for the fit to try the rule: a rule that puts
 * (almost) every sample on one side fits the same as none, and leaves the other side's coefficients to
 * chance (every 3x3 convolution at 7x7 counts as "few workgroups" up to 128 outputs).
 */
const MIN_SAMPLES_EACH_SIDE = 3;
/** The default rule first, so that it is kept unless another fits clearly better. */
const ALIGNMENT_CANDIDATES: readonly AlignmentRule[] = [DEFAULT_ALIGNMENT, 'in4or3-out4', 'in4or3-out4-over4', 'out4', 'in4or3-out4-few-workgroups'];

/** Samples of one geometry (a signature), for pooled fits. */
export interface GeometrySamples {
  readonly geometry: Geometry;
  readonly samples: readonly Sample[];
}

/** One candidate form: staircase steps and alignment rule. */
interface Form {
  readonly qIn: number;
  readonly qOut: number;
  readonly align: AlignmentRule;
}

function design(groups: readonly GeometrySamples[], batch: number, form: Form): { A: number[][]; b: number[] } {
  const A: number[][] = [];
  const b: number[] = [];
  const isUnaligned = ALIGNMENT_RULES[form.align];
  for (const { geometry, samples } of groups) {
    const family = latencyFamilyFor(geometry.kind);
    for (const [aIn, aOut, ms] of samples) {
      const f = family.features(geometry, aIn, aOut, batch, form, isUnaligned(aIn, aOut, geometry, batch));
      A.push(f.map((x) => x / ms));
      b.push(1);
    }
  }
  return { A, b };
}

function relativeErrors(groups: readonly GeometrySamples[], batch: number, form: Form, coef: readonly number[]): number[] {
  const { A } = design(groups, batch, form);
  return A.map((row) => Math.abs(row.reduce((s, x, j) => s + x * (coef[j] ?? 0), 0) - 1));
}

/** True when the rule puts at least MIN_SAMPLES_EACH_SIDE samples on each side. */
function splitsSamples(groups: readonly GeometrySamples[], batch: number, align: AlignmentRule): boolean {
  const isUnaligned = ALIGNMENT_RULES[align];
  let slow = 0;
  let total = 0;
  for (const { geometry, samples } of groups) {
    for (const [aIn, aOut] of samples) {
      total++;
      if (isUnaligned(aIn, aOut, geometry, batch)) slow++;
    }
  }
  return slow >= MIN_SAMPLES_EACH_SIDE && total - slow >= MIN_SAMPLES_EACH_SIDE;
}

function crossValidated(groups: readonly GeometrySamples[], batch: number, form: Form): number {
  const flat = groups.flatMap((g) => g.samples.map((s) => ({ geometry: g.geometry, sample: s })));
  const folds = Math.min(5, flat.length);
  if (folds < 3) return 0;
  let total = 0;
  for (let k = 0; k < folds; k++) {
    const train = flat.filter((_, i) => i % folds !== k).map((e) => ({ geometry: e.geometry, samples: [e.sample] }));
    const test = flat.filter((_, i) => i % folds === k).map((e) => ({ geometry: e.geometry, samples: [e.sample] }));
    const { A, b } = design(train, batch, form);
    const coef = nnls(A, b);
    total += relativeErrors(test, batch, form, coef).reduce((s, e) => s + e * e, 0);
  }
  return total / flat.length;
}

/**
 * Fits one latency function over samples of one or several geometries of the same family. With
 * `residuals`, the fit keeps the measured ratios so it reproduces its own points.
 */
export function fitLatency(groups: readonly GeometrySamples[], batch: number, residuals: boolean): Fit {
  const first = groups[0]?.geometry;
  if (first === undefined) throw new Error('fitLatency needs samples');
  const family = latencyFamilyFor(first.kind);
  let best: Form & { error: number } = { qIn: 1, qOut: 1, align: DEFAULT_ALIGNMENT, error: Number.POSITIVE_INFINITY };
  const sampleCount = groups.reduce((s, g) => s + g.samples.length, 0);
  const steps = sampleCount >= MIN_SAMPLES_FOR_STEPS ? STEP_CANDIDATES : [1];
  for (const align of ALIGNMENT_CANDIDATES) {
    if (align !== DEFAULT_ALIGNMENT && !splitsSamples(groups, batch, align)) continue;
    for (const qIn of family.stepsIn ? steps : [1]) {
      for (const qOut of family.stepsOut ? steps : [1]) {
        const error = crossValidated(groups, batch, { qIn, qOut, align });
        if (error < best.error * 0.97 - 1e-6) best = { qIn, qOut, align, error };
      }
    }
  }
  const { A, b } = design(groups, batch, best);
  const coef = nnls(A, b);
  const base: Fit = { family: family.name, qIn: best.qIn, qOut: best.qOut, align: best.align, coef, residuals: [], trainError: { median: 0, within10: 0 } };
  const pairs: [number, number][] = [];
  const ratios: [number, number, number][] = [];
  for (const { geometry, samples } of groups) {
    const maxIn = Math.max(...samples.map((s) => s[0]));
    const maxOut = Math.max(...samples.map((s) => s[1]));
    const fn = fittedLatency(base, geometry, batch, maxIn, maxOut);
    for (const [aIn, aOut, ms] of samples) {
      const predicted = fn.value(aIn, aOut);
      pairs.push([predicted, ms]);
      if (residuals && predicted > 0) ratios.push([aIn, aOut, ms / predicted]);
    }
  }
  const summary = errorSummary(pairs);
  return { ...base, residuals: ratios, trainError: { median: summary.medianAbsError, within10: summary.within10 } };
}
