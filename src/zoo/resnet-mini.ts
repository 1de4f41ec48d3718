/**
 * resnet-mini: a stem and three stages of residual basic blocks (two 3x3 convs and an Add); stages 2
 * and 3 start with a stride-2 block whose shortcut is a 1x1 projection.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { SeedSequence, convBn, logits } from './blocks.js';
import type { ZooEntry } from './types.js';

type Tensor = tfl.SymbolicTensor;

function basicBlock(x: Tensor, filters: number, strides: number, name: string, seeds: SeedSequence): Tensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = convBn(x, filters, `${name}_conv1`, seeds, { strides });
  y = convBn(y, filters, `${name}_conv2`, seeds, { activation: 'none' });
  const shortcut =
    strides === 1 && inChannels === filters
      ? x
      : convBn(x, filters, `${name}_proj`, seeds, { kernel: 1, strides, activation: 'none' });
  const sum = tfl.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as Tensor;
  return tfl.layers.reLU({ name: `${name}_out` }).apply(sum) as Tensor;
}

export const resnetMini: ZooEntry = {
  name: 'resnet-mini',
  description: 'stem + 3 residual stages (16/32/64, stride-2 projections), global pooling → Dense',
  build({ seed = 1, inputShape = [28, 28, 1], classes = 10 } = {}) {
    const seeds = new SeedSequence(seed);
    const input = tfl.input({ shape: [...inputShape], name: 'input' });
    let x: Tensor = convBn(input, 16, 'stem', seeds);
    x = basicBlock(x, 16, 1, 's1b1', seeds);
    x = basicBlock(x, 32, 2, 's2b1', seeds);
    x = basicBlock(x, 32, 1, 's2b2', seeds);
    x = basicBlock(x, 64, 2, 's3b1', seeds);
    x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as Tensor;
    return tfl.model({ inputs: input, outputs: logits(x, classes, seeds), name: 'resnet-mini' });
  },
};
