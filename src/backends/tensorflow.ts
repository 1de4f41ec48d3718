/**
 * The native TensorFlow backends of tfjs-node and tfjs-node-gpu. They are optional peer dependencies:
 * their install downloads libtensorflow from outside the npm registry, so they are imported only here,
 * only when asked for.
 */
import { BackendUnavailableError } from '../errors.js';
import type { BackendDriver, BackendName } from './types.js';

function nativeDriver(name: BackendName, pkg: string): BackendDriver {
  return {
    name,
    tfjsName: 'tensorflow',
    kernelTimer: 'wall',
    async register() {
      try {
        await import(pkg);
      } catch (e) {
        throw new BackendUnavailableError(
          name,
          `the optional package ${pkg} is not installed or did not load (${String(e).split('\n')[0]}); ` +
            `run \`npm install ${pkg}@4.22\` (its install downloads libtensorflow, so it needs internet access)`,
          { cause: e },
        );
      }
    },
    async describe() {
      return {};
    },
  };
}

export const tensorflowDriver = nativeDriver('tensorflow', '@tensorflow/tfjs-node');
export const tensorflowGpuDriver = nativeDriver('tensorflow-gpu', '@tensorflow/tfjs-node-gpu');
