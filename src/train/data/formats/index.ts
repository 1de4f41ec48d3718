export { csvFormat, readCsv } from './csv.js';
export { FASHION_MNIST, fashionMnistFormat } from './fashion-mnist.js';
export { idxFormat, labelsFileFor, readIdxPair } from './idx.js';
export { IMAGE_EXTENSIONS, imageFolderFormat, readImageFolder } from './image-folder.js';
export { DATA_FORMATS, DATA_FORMAT_NAMES, detectDataFormat, expectationFor, loadData } from './registry.js';
export { splitForValidation } from './splits.js';
export type { DataExpectation, DataFormat, DataFormatName, DataRequest, LoadedData } from './types.js';
