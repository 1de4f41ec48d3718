/** The pure-JavaScript cpu backend: always available, slow, the numerical reference. */
import type { BackendDriver } from './types.js';

export const cpuDriver: BackendDriver = {
  name: 'cpu',
  tfjsName: 'cpu',
  kernelTimer: 'wall',
  async register() {
    await import('@tensorflow/tfjs-backend-cpu');
  },
  async describe() {
    return { threads: 1 };
  },
};
