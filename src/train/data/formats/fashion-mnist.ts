/** Fashion-MNIST as a `--data` format: its folder of four IDX files, or wherever `loadFashionMnist` finds it. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { FASHION_MNIST_FILES, loadFashionMnist } from '../fashion-mnist.js';
import { splitForValidation } from './splits.js';
import type { DataFormat } from './types.js';

/** The name that asks for Fashion-MNIST from its usual places. */
export const FASHION_MNIST = 'fashion-mnist';

function holdsFashionMnist(dir: string): boolean {
  return Object.values(FASHION_MNIST_FILES).every((f) => existsSync(path.join(dir, f.name)));
}

export const fashionMnistFormat: DataFormat = {
  name: 'fashion-mnist',
  describe: 'Fashion-MNIST: a folder with its four IDX files (default: Debian\'s package, the cache, the bundled subset)',
  async matches(p) {
    return p === FASHION_MNIST || (statSync(p, { throwIfNoEntry: false })?.isDirectory() === true && holdsFashionMnist(p));
  },
  async load(request) {
    const dir = request.path === undefined || request.path === FASHION_MNIST ? undefined : request.path;
    const data = await loadFashionMnist({ ...(dir === undefined ? {} : { dataDir: dir }), ...(request.signal === undefined ? {} : { signal: request.signal }) });
    const { train, validation } = await splitForValidation(data.train, request);
    return {
      format: 'fashion-mnist',
      examples: 'images',
      train,
      ...(validation === undefined ? {} : { validation }),
      test: data.test,
      description: data.source.description,
      ...(data.source.kind === 'subset' ? { note: 'the bundled subset is small: expect a lower accuracy than with the full data set' } : {}),
    };
  },
};
