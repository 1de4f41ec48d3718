/** A tiny residual model (12x12x3 → 4 classes) that profiles and trains in seconds. */
import * as tfl from '@tensorflow/tfjs-layers';

type T = tfl.SymbolicTensor;

/** Conv-BN-ReLU, a residual Add, global pooling and a Dense head. */
export function tinyResidualModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 3], name: 'in' });
  const conv = (x: T, name: string, filters: number): T =>
    tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(
      tfl.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tfl.initializers.heNormal({ seed: 3 }) }).apply(x),
    ) as T;
  const a = tfl.layers.reLU({ name: 'a_relu' }).apply(conv(input, 'a', 8)) as T;
  const b = conv(a, 'b', 8);
  const sum = tfl.layers.reLU({ name: 'sum_relu' }).apply(tfl.layers.add({ name: 'sum' }).apply([a, b])) as T;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'head', units: 4, activation: 'softmax' }).apply(pooled) as T });
}
