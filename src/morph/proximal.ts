/**
 * Proximal steps for the gamma-L1 part of MorphNet's term. A subgradient step on |γ| never lands on 0:
 * with a strength large enough to matter, γ jumps across 0 and back, and the channel never falls below
 * the alive threshold. Soft-thresholding after each optimizer step (proximal gradient, as in ISTA)
 * minimizes the same objective, loss + strength·term, and sets dead channels to exactly 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { NetworkRegularizer } from './network-regularizer.js';
import { weightVariable } from './regularizers/weights.js';

interface GammaTarget {
  readonly gamma: tf.Variable;
  /** Per channel: the marginal cost of the network channel it regularizes. */
  coefficients: Float32Array;
  /** The same, on the backend, rebuilt at each refresh so a step creates no tensor from JS data. */
  tensor: tf.Tensor1D | undefined;
}

/** Soft-thresholds BatchNormalization gammas by their channels' marginal costs. */
export class GammaProximal {
  private readonly targets: Map<string, GammaTarget>;
  /** True when every regularized group is regularized by gammas alone (so the term needs no gradient). */
  readonly covers: boolean;

  constructor(
    model: tfl.LayersModel,
    private readonly regularizer: NetworkRegularizer,
  ) {
    const sources = regularizer.groups.flatMap((g) => g.sources);
    this.covers = sources.every((s) => s.kind === 'gamma-l1');
    this.targets = new Map();
    for (const s of sources) {
      if (s.kind !== 'gamma-l1' || this.targets.has(s.layer)) continue;
      const gamma = weightVariable(model.getLayer(s.layer), ['gamma'], 'Gamma-L1');
      this.targets.set(s.layer, { gamma, coefficients: new Float32Array(gamma.size), tensor: undefined });
    }
    this.refresh();
  }

  /** Recomputes each gamma's coefficient from the regularizer's current marginal costs. */
  refresh(): void {
    for (const t of this.targets.values()) t.coefficients.fill(0);
    const states = this.regularizer.groupStates();
    for (const group of this.regularizer.groups) {
      const marginal = states[group.id]?.marginalCost ?? [];
      for (const s of group.sources) {
        const target = this.targets.get(s.layer);
        if (target === undefined) continue;
        s.channels.forEach((channels, j) => {
          for (const c of channels) target.coefficients[c] = (target.coefficients[c] ?? 0) + (marginal[j] ?? 0);
        });
      }
    }
    for (const t of this.targets.values()) {
      t.tensor?.dispose();
      t.tensor = tf.tensor1d(t.coefficients);
    }
  }

  /** Frees the coefficient tensors. */
  dispose(): void {
    for (const t of this.targets.values()) t.tensor?.dispose();
  }

  /** γ ← sign(γ)·max(|γ| − scale·coefficient, 0) for every regularized gamma. */
  step(scale: number): void {
    for (const t of this.targets.values()) {
      tf.tidy(() => {
        const shrink = tf.mul(t.tensor ?? tf.tensor1d(t.coefficients), scale);
        t.gamma.assign(tf.mul(tf.sign(t.gamma), tf.relu(tf.sub(tf.abs(t.gamma), shrink))));
      });
    }
  }
}
