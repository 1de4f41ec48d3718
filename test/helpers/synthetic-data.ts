/** A small learnable image data set made in the test: the class is the image's brightness level. */
import { ImageDataset } from '../../src/train/data/dataset.js';
import { mulberry32 } from '../../src/util/random.js';

/** `n` images of size×size×1 in 4 classes (brightness levels with noise), seeded. */
export function brightnessImages(n: number, size: number, seed: number): ImageDataset {
  const rand = mulberry32(seed);
  const images = new Uint8Array(n * size * size);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = Math.floor(rand() * 4);
    labels[i] = label;
    for (let p = 0; p < size * size; p++) images[i * size * size + p] = Math.min(255, 30 + 60 * label + Math.floor(rand() * 50));
  }
  return new ImageDataset(images, labels, [size, size, 1], 4);
}
