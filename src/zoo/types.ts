/** The zoo: small built-in models for 28x28x1 inputs and 10 classes. */
import type * as tfl from '@tensorflow/tfjs-layers';

/** How to build a zoo model. */
export interface ZooBuildOptions {
  /** Initializer seed; the same seed gives the same weights. */
  readonly seed?: number;
  /** Input shape [H, W, C]; default [28, 28, 1]. */
  readonly inputShape?: readonly [number, number, number];
  /** Number of classes; default 10. */
  readonly classes?: number;
}

/** One zoo model. */
export interface ZooEntry {
  readonly name: string;
  readonly description: string;
  build(options?: ZooBuildOptions): tfl.LayersModel;
}
