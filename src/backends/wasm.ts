/**
 * The WebAssembly backend (XNNPACK, SIMD). It ships without some gradient kernels, which morphlat
 * registers on top of it so conv nets train here (see ./wasm/).
 */
import type { BackendDriver } from './types.js';
import { registerWasmGradientKernels } from './wasm/register.js';

export const wasmDriver: BackendDriver = {
  name: 'wasm',
  tfjsName: 'wasm',
  kernelTimer: 'wall',
  async register() {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmGradientKernels();
  },
  async describe() {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const threads = wasm.getThreadsCount?.() ?? 1;
    return { threads };
  },
};
