/**
 * Building blocks of the zoo models, with seeded initializers so a model built twice is the same model.
 * Every convolution is followed by BatchNormalization with scale on, so MorphNet's gamma regularizer
 * applies to it.
 */
import * as tfl from '@tensorflow/tfjs-layers';

type Tensor = tfl.SymbolicTensor;

/** Hands out initializer seeds in order, so the same build sequence gives the same weights. */
export class SeedSequence {
  private next: number;

  constructor(seed: number) {
    this.next = seed;
  }

  /** The next seed. */
  take(): number {
    this.next += 1;
    return this.next;
  }
}

/** Options of a convolution block. */
export interface ConvOptions {
  readonly kernel?: number;
  readonly strides?: number;
  /** `relu`, `relu6`, or `none` (the activation after BN). */
  readonly activation?: 'relu' | 'relu6' | 'none';
}

function activate(x: Tensor, name: string, activation: ConvOptions['activation']): Tensor {
  if (activation === 'none') return x;
  const layer = activation === 'relu6' ? tfl.layers.reLU({ maxValue: 6, name: `${name}_relu6` }) : tfl.layers.reLU({ name: `${name}_relu` });
  return layer.apply(x) as Tensor;
}

function batchNorm(x: Tensor, name: string): Tensor {
  return tfl.layers.batchNormalization({ name: `${name}_bn`, scale: true, center: true, momentum: 0.9 }).apply(x) as Tensor;
}

/** Conv2D (no bias) → BatchNormalization → activation. */
export function convBn(x: Tensor, filters: number, name: string, seeds: SeedSequence, options: ConvOptions = {}): Tensor {
  const y = tfl.layers
    .conv2d({
      name,
      filters,
      kernelSize: options.kernel ?? 3,
      strides: options.strides ?? 1,
      padding: 'same',
      useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: seeds.take() }),
    })
    .apply(x) as Tensor;
  return activate(batchNorm(y, name), name, options.activation ?? 'relu');
}

/** DepthwiseConv2D (no bias) → BatchNormalization → activation. */
export function depthwiseBn(x: Tensor, name: string, seeds: SeedSequence, options: ConvOptions = {}): Tensor {
  const y = tfl.layers
    .depthwiseConv2d({
      name,
      kernelSize: options.kernel ?? 3,
      strides: options.strides ?? 1,
      padding: 'same',
      useBias: false,
      depthwiseInitializer: tfl.initializers.heNormal({ seed: seeds.take() }),
    })
    .apply(x) as Tensor;
  return activate(batchNorm(y, name), name, options.activation ?? 'relu');
}

/** The classifier head: Dense to `classes` with softmax. Its units are never shrunk. */
export function logits(x: Tensor, classes: number, seeds: SeedSequence): Tensor {
  return tfl.layers
    .dense({ name: 'logits', units: classes, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seeds.take() }) })
    .apply(x) as Tensor;
}
