/**
 * mobilenet-mini: MobileNetV2-style inverted residuals: 1x1 expansion, 3x3 depthwise, linear 1x1
 * projection, with an Add when the block keeps its shape.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { SeedSequence, convBn, depthwiseBn, logits } from './blocks.js';
import type { ZooEntry } from './types.js';

type Tensor = tfl.SymbolicTensor;

function invertedResidual(x: Tensor, expanded: number, out: number, strides: number, name: string, seeds: SeedSequence): Tensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = convBn(x, expanded, `${name}_expand`, seeds, { kernel: 1, activation: 'relu6' });
  y = depthwiseBn(y, `${name}_dw`, seeds, { strides, activation: 'relu6' });
  y = convBn(y, out, `${name}_project`, seeds, { kernel: 1, activation: 'none' });
  if (strides !== 1 || inChannels !== out) return y;
  return tfl.layers.add({ name: `${name}_add` }).apply([x, y]) as Tensor;
}

export const mobilenetMini: ZooEntry = {
  name: 'mobilenet-mini',
  description: 'stem + 4 inverted residual blocks with depthwise convs (24/40 channels), 1x1 head → Dense',
  build({ seed = 1, inputShape = [28, 28, 1], classes = 10 } = {}) {
    const seeds = new SeedSequence(seed);
    const input = tfl.input({ shape: [...inputShape], name: 'input' });
    let x: Tensor = convBn(input, 16, 'stem', seeds, { activation: 'relu6' });
    x = invertedResidual(x, 48, 24, 2, 'b1', seeds);
    x = invertedResidual(x, 72, 24, 1, 'b2', seeds);
    x = invertedResidual(x, 72, 40, 2, 'b3', seeds);
    x = invertedResidual(x, 120, 40, 1, 'b4', seeds);
    x = convBn(x, 128, 'head', seeds, { kernel: 1, activation: 'relu6' });
    x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as Tensor;
    return tfl.model({ inputs: input, outputs: logits(x, classes, seeds), name: 'mobilenet-mini' });
  },
};
