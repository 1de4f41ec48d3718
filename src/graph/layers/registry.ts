/** The table from tfjs-layers class name to the reader that turns such a layer into an op. */
import type { LayerReader } from '../types.js';
import { activationReader } from './activation.js';
import { addReader } from './add.js';
import { batchnormReader } from './batchnorm.js';
import { concatReader } from './concat.js';
import { conv2dReader } from './conv2d.js';
import { denseReader } from './dense.js';
import { depthwiseReader } from './depthwise.js';
import { dropoutReader } from './dropout.js';
import { flattenReader } from './flatten.js';
import { globalPoolReader } from './global-pool.js';
import { inputReader } from './input.js';
import { poolReader } from './pool.js';
import { reshapeReader } from './reshape.js';
import { separableReader } from './separable.js';
import { zeropadReader } from './zeropad.js';

const READERS: readonly LayerReader[] = [
  inputReader,
  conv2dReader,
  depthwiseReader,
  separableReader,
  denseReader,
  batchnormReader,
  activationReader,
  addReader,
  concatReader,
  poolReader,
  globalPoolReader,
  flattenReader,
  dropoutReader,
  zeropadReader,
  reshapeReader,
];

const BY_CLASS: ReadonlyMap<string, LayerReader> = new Map(READERS.flatMap((r) => r.classNames.map((c) => [c, r] as const)));

/** The reader for a tfjs-layers class, or undefined when morphlat cannot represent it. */
export function layerReaderFor(className: string): LayerReader | undefined {
  return BY_CLASS.get(className);
}

/** Every layer class morphlat reads. */
export function supportedLayerClasses(): string[] {
  return [...BY_CLASS.keys()].sort();
}
