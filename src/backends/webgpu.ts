/**
 * WebGPU in Node through Dawn (the `webgpu` package): installs `navigator.gpu`, checks that an adapter
 * exists, and registers tfjs-backend-webgpu with timestamp queries so kernel times come from the device.
 */
import { BackendUnavailableError } from '../errors.js';
import type { BackendDriver, GpuIdentity } from './types.js';

const VULKAN_HINT =
  'install libvulkan1 and a Vulkan driver (on a CPU-only Debian 12: mesa-vulkan-drivers from ' +
  'bookworm-backports; Mesa 22 lacks features Dawn needs)';

let adapterInfo: GpuIdentity | undefined;

async function installNavigatorGpu(): Promise<GPU> {
  const existing = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (existing !== undefined) return existing;
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    throw new BackendUnavailableError('webgpu', `the \`webgpu\` package did not load (${String(e)}); ${VULKAN_HINT}`, {
      cause: e,
    });
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  }
  return gpu;
}

export const webgpuDriver: BackendDriver = {
  name: 'webgpu',
  tfjsName: 'webgpu',
  kernelTimer: 'device',
  async register() {
    const gpu = await installNavigatorGpu();
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) throw new BackendUnavailableError('webgpu', `no WebGPU adapter found; ${VULKAN_HINT}`);
    if (!adapter.features.has('timestamp-query')) {
      throw new BackendUnavailableError(
        'webgpu',
        'the WebGPU adapter has no `timestamp-query` feature, so kernel times cannot be measured on the device',
      );
    }
    const info = adapter.info;
    adapterInfo = {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
    };
    await import('@tensorflow/tfjs-backend-webgpu');
  },
  async describe() {
    return adapterInfo === undefined ? {} : { gpu: adapterInfo };
  },
};
