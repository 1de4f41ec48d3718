/**
 * wasm's own kernels that morphlat replaced, kept so that a replacement can hand the cases it does not
 * speed up back to them. A replacement that does so also runs the original's setup (which binds its
 * WebAssembly function) from its own, since tfjs sets up only the kernels registered when the backend
 * starts.
 */
import type { KernelConfig, KernelFunc, KernelSetupFunc } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';

const own = new Map<string, KernelConfig>();

/** Keeps wasm's own config of a kernel before it is unregistered. */
export function keepWasmOwn(config: KernelConfig): void {
  own.set(config.kernelName, config);
}

/** wasm's own config of `kernelName`, when it was kept. */
export function wasmOwnConfig(kernelName: string): KernelConfig | undefined {
  return own.get(kernelName);
}

/** wasm's own kernel function for `kernelName`; KernelError when it was not kept. */
export function wasmOwnKernel(kernelName: string): KernelFunc {
  const config = own.get(kernelName);
  if (config === undefined) {
    throw new KernelError(`${kernelName}: wasm's own kernel was not kept when morphlat replaced it`);
  }
  return config.kernelFunc;
}

/** A setup function that runs wasm's own setup of `kernelName`, when it has one. */
function wasmOwnSetup(kernelName: string): KernelSetupFunc {
  return (backend) => {
    own.get(kernelName)?.setupFunc?.(backend);
  };
}

/**
 * The 'wasm' config of a replacement for wasm's own `kernelName` that hands the cases it does not
 * handle to it (`wasmOwnKernel`): it also runs the original's setup.
 */
export function withWasmOwnFallback(kernelName: string, kernelFunc: KernelFunc): KernelConfig {
  return { kernelName, backendName: 'wasm', kernelFunc, setupFunc: wasmOwnSetup(kernelName) };
}
