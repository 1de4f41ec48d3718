/** A tiny residual model that profiles, trains and shrinks in seconds. */
import * as tfl from '@tensorflow/tfjs-layers';

type T = tfl.SymbolicTensor;

/** Conv-BN-ReLU, a residual Add, global pooling and a Dense head; input [size, size, channels]. */
export function tinyResidualModel(options: { size?: number; channels?: number; classes?: number; width?: number } = {}): tfl.LayersModel {
  const { size = 12, channels = 3, classes = 4, width = 8 } = options;
  const input = tfl.input({ shape: [size, size, channels], name: 'in' });
  const conv = (x: T, name: string, filters: number): T =>
    tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(
      tfl.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tfl.initializers.heNormal({ seed: 3 }) }).apply(x),
    ) as T;
  const a = tfl.layers.reLU({ name: 'a_relu' }).apply(conv(input, 'a', width)) as T;
  const b = conv(a, 'b', width);
  const sum = tfl.layers.reLU({ name: 'sum_relu' }).apply(tfl.layers.add({ name: 'sum' }).apply([a, b])) as T;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as T;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'head', units: classes, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(pooled) as T });
}
