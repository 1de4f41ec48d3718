/**
 * Calibration networks for generic profiles: small nets of the common op kinds and the common ways of
 * wiring them (a plain chain, depthwise-separable blocks, residual pairs, inverted residuals, branches
 * joined by Add and Concatenate), none of them a zoo model, whose end-to-end latency maps summed per-op
 * predictions onto whole networks.
 */
import * as tfl from '@tensorflow/tfjs-layers';

type Tensor = tfl.SymbolicTensor;

function convBnRelu(x: Tensor, filters: number, kernel: number, strides: number): Tensor {
  const y = tfl.layers.conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false }).apply(x) as Tensor;
  return tfl.layers.reLU({}).apply(tfl.layers.batchNormalization({}).apply(y)) as Tensor;
}

function convBn(x: Tensor, filters: number, kernel: number, strides: number): Tensor {
  const y = tfl.layers.conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false }).apply(x) as Tensor;
  return tfl.layers.batchNormalization({}).apply(y) as Tensor;
}

function head(x: Tensor, input: Tensor): tfl.LayersModel {
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(x) as Tensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 10, activation: 'softmax' }).apply(pooled) as Tensor });
}

/** A named builder of one calibration net at a width multiplier. */
export interface CalibrationNet {
  readonly name: string;
  build(width: number): tfl.LayersModel;
}

const w = (base: number, m: number): number => Math.max(2, Math.round(base * m));

/** The calibration nets. */
export const CALIBRATION_NETS: readonly CalibrationNet[] = [
  {
    name: 'conv-chain',
    build(m) {
      const input = tfl.input({ shape: [28, 28, 1] });
      let x = convBnRelu(input, w(24, m), 3, 1);
      x = convBnRelu(x, w(48, m), 3, 2);
      x = convBnRelu(x, w(96, m), 3, 2);
      return head(x, input);
    },
  },
  {
    name: 'separable-chain',
    build(m) {
      const input = tfl.input({ shape: [28, 28, 1] });
      let x = convBnRelu(input, w(16, m), 3, 2);
      for (const [c, s] of [[w(32, m), 1], [w(64, m), 2], [w(64, m), 1]] as const) {
        x = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: s, padding: 'same', useBias: false }).apply(x) as Tensor;
        x = tfl.layers.reLU({ maxValue: 6 }).apply(tfl.layers.batchNormalization({}).apply(x)) as Tensor;
        x = convBnRelu(x, c, 1, 1);
      }
      return head(x, input);
    },
  },
  {
    name: 'residual-pairs',
    build(m) {
      const input = tfl.input({ shape: [28, 28, 1] });
      let x = convBnRelu(input, w(20, m), 3, 1);
      for (const [c, s] of [[w(20, m), 1], [w(40, m), 2]] as const) {
        const entry = s === 1 ? x : convBnRelu(x, c, 3, s);
        const body = convBn(convBnRelu(entry, c, 3, 1), c, 3, 1);
        x = tfl.layers.reLU({}).apply(tfl.layers.add({}).apply([entry, body])) as Tensor;
      }
      return head(x, input);
    },
  },
  {
    name: 'inverted-residuals',
    build(m) {
      const input = tfl.input({ shape: [28, 28, 1] });
      let x = convBnRelu(input, w(12, m), 3, 2);
      for (const [expand, out, s] of [[w(64, m), w(12, m), 1], [w(64, m), w(32, m), 2], [w(160, m), w(32, m), 1]] as const) {
        let y = tfl.layers.reLU({ maxValue: 6 }).apply(convBn(x, expand, 1, 1)) as Tensor;
        y = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: s, padding: 'same', useBias: false }).apply(y) as Tensor;
        y = tfl.layers.reLU({ maxValue: 6 }).apply(tfl.layers.batchNormalization({}).apply(y)) as Tensor;
        y = convBn(y, out, 1, 1);
        x = s === 1 && x.shape[3] === out ? (tfl.layers.add({}).apply([x, y]) as Tensor) : y;
      }
      return head(x, input);
    },
  },
  {
    name: 'branchy',
    build(m) {
      const input = tfl.input({ shape: [28, 28, 1] });
      let x = convBnRelu(input, w(32, m), 3, 2);
      const a = convBnRelu(x, w(32, m), 3, 1);
      const b = tfl.layers.add({}).apply([x, tfl.layers.batchNormalization({}).apply(
        tfl.layers.conv2d({ filters: w(32, m), kernelSize: 3, padding: 'same', useBias: false }).apply(a)) as Tensor]) as Tensor;
      const c = convBnRelu(b, w(16, m), 1, 1);
      const d = convBnRelu(b, w(24, m), 5, 1);
      x = tfl.layers.concatenate({}).apply([c, d]) as Tensor;
      x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as Tensor;
      x = tfl.layers.flatten({}).apply(x) as Tensor;
      return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 10, activation: 'softmax' }).apply(x) as Tensor });
    },
  },
];
