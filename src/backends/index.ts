export { initBackend, isBackendName, hostIdentity } from './init.js';
export { adamOptimizer, duringTrainingStep } from './training.js';
export { BACKEND_NAMES } from './types.js';
export type { ActiveBackend, BackendDriver, BackendName, DeviceIdentity, GpuIdentity } from './types.js';
export { setWasmSimdEnabled } from './wasm/simd.js';
