/**
 * inception-mini: two Inception modules, each four parallel towers (1x1; 1x1→3x3; 1x1→5x5;
 * 3x3 average pool→1x1) joined by Concatenate on channels.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { SeedSequence, convBn, logits } from './blocks.js';
import type { ZooEntry } from './types.js';

type Tensor = tfl.SymbolicTensor;

interface TowerWidths {
  readonly b1: number;
  readonly b3reduce: number;
  readonly b3: number;
  readonly b5reduce: number;
  readonly b5: number;
  readonly pool: number;
}

function inceptionModule(x: Tensor, w: TowerWidths, name: string, seeds: SeedSequence): Tensor {
  const t1 = convBn(x, w.b1, `${name}_1x1`, seeds, { kernel: 1 });
  const t3 = convBn(convBn(x, w.b3reduce, `${name}_3x3reduce`, seeds, { kernel: 1 }), w.b3, `${name}_3x3`, seeds);
  const t5 = convBn(convBn(x, w.b5reduce, `${name}_5x5reduce`, seeds, { kernel: 1 }), w.b5, `${name}_5x5`, seeds, { kernel: 5 });
  const pooled = tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same', name: `${name}_pool` }).apply(x) as Tensor;
  const tp = convBn(pooled, w.pool, `${name}_poolproj`, seeds, { kernel: 1 });
  return tfl.layers.concatenate({ name: `${name}_concat`, axis: -1 }).apply([t1, t3, t5, tp]) as Tensor;
}

export const inceptionMini: ZooEntry = {
  name: 'inception-mini',
  description: 'stem + 2 Inception modules (4 towers joined by Concatenate), global pooling → Dense',
  build({ seed = 1, inputShape = [28, 28, 1], classes = 10 } = {}) {
    const seeds = new SeedSequence(seed);
    const input = tfl.input({ shape: [...inputShape], name: 'input' });
    let x: Tensor = convBn(input, 32, 'stem', seeds);
    x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x) as Tensor;
    x = inceptionModule(x, { b1: 16, b3reduce: 16, b3: 24, b5reduce: 8, b5: 8, pool: 8 }, 'inc1', seeds);
    x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(x) as Tensor;
    x = inceptionModule(x, { b1: 32, b3reduce: 24, b3: 48, b5reduce: 8, b5: 16, pool: 16 }, 'inc2', seeds);
    x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as Tensor;
    return tfl.model({ inputs: input, outputs: logits(x, classes, seeds), name: 'inception-mini' });
  },
};
