/**
 * The WebAssembly backend (XNNPACK, SIMD). It ships without some gradient kernels, which morphlat
 * registers on top of it so conv nets train here (see ./wasm/).
 */
import type { BackendDriver } from './types.js';
import { registerWasmGradientKernels } from './wasm/register.js';
import { loadWasmSimdKernels } from './wasm/simd.js';

export const wasmDriver: BackendDriver = {
  name: 'wasm',
  tfjsName: 'wasm',
  kernelTimer: 'wall',
  async register() {
    await import('@tensorflow/tfjs-backend-wasm');
    await loadWasmSimdKernels();
    registerWasmGradientKernels();
  },
  async describe() {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const threads = wasm.getThreadsCount?.() ?? 1;
    return { threads };
  },
};
