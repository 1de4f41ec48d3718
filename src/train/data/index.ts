export { ImageDataset } from './dataset.js';
export type { ImageDatasetOptions, ImageShape } from './dataset.js';
export { FeatureDataset } from './features.js';
export type { FeatureLabels } from './features.js';
export { batchesPerPass, continuingSource, describeShape } from './source.js';
export type { Batch, BatchOptions, BatchSource, LabelFormat, LabelSpec } from './source.js';
export { splitIndices, validationCount } from './split.js';
export { isStreamInput, isTfDataset, streamSource } from './stream.js';
export type { StreamElement, StreamExpectation, StreamInput, TfDataset } from './stream.js';
export { downloadVerified } from './download.js';
export type { DownloadRequest } from './download.js';
export {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  FASHION_MNIST_URLS,
  bundledFashionMnistDir,
  defaultFashionMnistCacheDir,
  loadFashionMnist,
  locateFashionMnist,
  readFashionMnistDir,
} from './fashion-mnist.js';
export type {
  FashionMnist,
  FashionMnistFile,
  FashionMnistOptions,
  FashionMnistSource,
  FashionMnistSourceKind,
} from './fashion-mnist.js';
export { encodeIdx, isGzip, maybeGunzip, parseIdx, readIdxFile } from './idx.js';
export type { IdxArray, IdxExpectation } from './idx.js';
export { packageRoot } from './package-root.js';
export { deriveSeed, mulberry32, permutation, shuffleInPlace } from '../../util/random.js';
export type { Random } from '../../util/random.js';
export * from './formats/index.js';
