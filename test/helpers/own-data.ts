/**
 * A user's own model and data, made in the test: a Keras-style functional model (as the Keras → tfjs converter
 * writes it) with layers no zoo model has, and a folder of PNG and JPEG images in one sub-folder per class.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import { saveModelFiles } from '../../src/graph/index.js';
import { mulberry32 } from '../../src/util/random.js';

type T = tfl.SymbolicTensor;

/** The colour of each class: images of a class are that colour plus noise, so a small model learns them. */
export const CLASS_COLOURS: Readonly<Record<string, readonly [number, number, number]>> = {
  blue: [40, 60, 210],
  green: [50, 190, 60],
  red: [210, 50, 40],
};

/**
 * A functional model as Keras would write it: ZeroPadding2D → Conv2D (stride 2) → BN → ReLU, then two towers
 * (SeparableConv2D → BN → ReLU, and a 1x1 Conv2D → BN → ReLU) joined by Concatenate → Dropout → global
 * average pooling → a softmax Dense head. Layer names are Keras' defaults.
 */
export function kerasStyleModel(options: { size?: number; classes?: number } = {}): tfl.LayersModel {
  const { size = 24, classes = 3 } = options;
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const input = tfl.input({ shape: [size, size, 3], name: 'input_1' });
  let x = tfl.layers.zeroPadding2d({ padding: 1, name: 'zero_padding2d' }).apply(input) as T;
  x = tfl.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, useBias: false, kernelInitializer: init(1), name: 'conv2d' }).apply(x) as T;
  x = tfl.layers.batchNormalization({ name: 'batch_normalization' }).apply(x) as T;
  x = tfl.layers.activation({ activation: 'relu', name: 'activation' }).apply(x) as T;
  let a = tfl.layers
    .separableConv2d({ filters: 16, kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: init(2), pointwiseInitializer: init(3), name: 'separable_conv2d' })
    .apply(x) as T;
  a = tfl.layers.batchNormalization({ name: 'batch_normalization_1' }).apply(a) as T;
  a = tfl.layers.activation({ activation: 'relu', name: 'activation_1' }).apply(a) as T;
  let b = tfl.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false, kernelInitializer: init(4), name: 'conv2d_1' }).apply(x) as T;
  b = tfl.layers.batchNormalization({ name: 'batch_normalization_2' }).apply(b) as T;
  b = tfl.layers.activation({ activation: 'relu', name: 'activation_2' }).apply(b) as T;
  let y = tfl.layers.concatenate({ name: 'concatenate' }).apply([a, b]) as T;
  y = tfl.layers.dropout({ rate: 0.2, name: 'dropout' }).apply(y) as T;
  y = tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(y) as T;
  y = tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(5), name: 'dense' }).apply(y) as T;
  return tfl.model({ inputs: input, outputs: y, name: 'model' });
}

/**
 * Saves `model` into `dir` as the Keras → tfjs converter would have written it: a functional model's class
 * is `Functional` (a Sequential stays `Sequential`), with Keras' version and backend, and the file says which
 * tools made it.
 */
export async function saveAsConvertedFromKeras(model: tfl.LayersModel, dir: string): Promise<string> {
  await saveModelFiles(model, dir);
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(await fs.readFile(file, 'utf8'));
  const className = json.modelTopology.class_name === 'Model' ? 'Functional' : json.modelTopology.class_name;
  json.modelTopology = { ...json.modelTopology, class_name: className, keras_version: '2.15.0', backend: 'tensorflow' };
  json.generatedBy = 'keras v2.15.0';
  json.convertedBy = 'TensorFlow.js Converter v4.22.0';
  await fs.writeFile(file, JSON.stringify(json));
  return file;
}

/**
 * Writes `perClass` images per class of `CLASS_COLOURS` into `dir/<class>/`, alternating PNG and JPEG, of
 * `width`x`height` pixels (not the model's size: loading resizes them), seeded.
 */
export async function writeImageFolder(dir: string, options: { perClass?: number; width?: number; height?: number; seed?: number } = {}): Promise<string[]> {
  const { perClass = 8, width = 30, height = 20, seed = 1 } = options;
  const rand = mulberry32(seed);
  const files: string[] = [];
  for (const [name, colour] of Object.entries(CLASS_COLOURS)) {
    await fs.mkdir(path.join(dir, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const pixels = Buffer.alloc(width * height * 3);
      for (let p = 0; p < width * height; p++) {
        for (let c = 0; c < 3; c++) pixels[p * 3 + c] = Math.max(0, Math.min(255, (colour[c] as number) + Math.round((rand() - 0.5) * 60)));
      }
      const image = sharp(pixels, { raw: { width, height, channels: 3 } });
      const file = path.join(dir, name, i % 2 === 0 ? `img${i}.png` : `img${i}.jpg`);
      await (i % 2 === 0 ? image.png() : image.jpeg({ quality: 90 })).toFile(file);
      files.push(file);
    }
  }
  return files;
}
