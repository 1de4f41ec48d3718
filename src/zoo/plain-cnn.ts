/** plain-cnn: four 3x3 conv blocks in two pooled stages, then Flatten into the logits. */
import * as tfl from '@tensorflow/tfjs-layers';
import { SeedSequence, convBn, logits } from './blocks.js';
import type { ZooEntry } from './types.js';

type Tensor = tfl.SymbolicTensor;

export const plainCnn: ZooEntry = {
  name: 'plain-cnn',
  description: 'four conv-BN-ReLU blocks, two max-pooled stages, Flatten → Dense',
  build({ seed = 1, inputShape = [28, 28, 1], classes = 10 } = {}) {
    const seeds = new SeedSequence(seed);
    const input = tfl.input({ shape: [...inputShape], name: 'input' });
    let x: Tensor = convBn(input, 32, 'conv1', seeds);
    x = convBn(x, 32, 'conv2', seeds);
    x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x) as Tensor;
    x = convBn(x, 64, 'conv3', seeds);
    x = convBn(x, 64, 'conv4', seeds);
    x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(x) as Tensor;
    x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as Tensor;
    return tfl.model({ inputs: input, outputs: logits(x, classes, seeds), name: 'plain-cnn' });
  },
};
