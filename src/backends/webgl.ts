/**
 * tfjs's WebGL backend needs a browser's WebGL context, which Node does not have: here it only says
 * how to profile it (in a browser page served by `morphlat profile --browser`).
 */
import { BackendUnavailableError } from '../errors.js';
import type { BackendDriver } from './types.js';

export const webglDriver: BackendDriver = {
  name: 'webgl',
  tfjsName: 'webgl',
  kernelTimer: 'device',
  async register() {
    throw new BackendUnavailableError(
      'webgl',
      'tfjs-backend-webgl runs only in a browser; profile it there with `morphlat profile --browser --backends webgl --out FILE`',
    );
  },
  async describe() {
    return {};
  },
};
