/**
 * What a tfjs backend is to morphlat: a name the user picks, the driver that registers and starts it,
 * and the identity of the device it runs on (recorded in every device profile).
 */

/**
 * The backends morphlat can run on. `tensorflow*` need the optional tfjs-node packages; `webgl` runs
 * only in a browser (`morphlat profile --browser`).
 */
export type BackendName = 'cpu' | 'wasm' | 'webgpu' | 'webgl' | 'tensorflow' | 'tensorflow-gpu';

/** The backends in the order users see them. */
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgpu', 'webgl', 'tensorflow', 'tensorflow-gpu'];

/** GPU adapter facts, where the runtime exposes them. */
export interface GpuIdentity {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

/** A browser's facts, for profiles measured in one (`morphlat profile --browser`). */
export interface BrowserIdentity {
  /** Browser name and major version from the user agent, e.g. `Chrome` and `120`. */
  readonly name: string;
  readonly version: string;
  /** `navigator.platform`, e.g. `Linux x86_64`, `iPhone`, `Win32`. */
  readonly platform: string;
  /** The WebGL renderer, unmasked where the browser allows it. */
  readonly webgl?: { readonly vendor: string; readonly renderer: string };
  /** The WebGPU adapter, where the browser has one. */
  readonly webgpu?: GpuIdentity;
  readonly secureContext: boolean;
  /** Cross-origin isolation, which multithreaded wasm and fine timers need. */
  readonly crossOriginIsolated: boolean;
  /** The smallest step of `performance.now()` seen (ms): browsers coarsen their clocks. */
  readonly timerResolutionMs?: number;
}

/** Which device a backend runs on: enough to tell whether two profiles describe the same hardware. */
export interface DeviceIdentity {
  readonly backend: BackendName | string;
  readonly tfjsBackend: string;
  readonly tfjsVersion: string;
  readonly runtime: 'node' | 'browser';
  readonly os: string;
  readonly cpuModel: string;
  readonly cpuCores: number;
  readonly threads: number;
  readonly gpu?: GpuIdentity;
  readonly userAgent?: string;
  readonly browser?: BrowserIdentity;
}

/** A backend started by `initBackend`. */
export interface ActiveBackend {
  readonly name: BackendName;
  /** How per-kernel times are measured: timestamps on the device, or wall clock around each kernel. */
  readonly kernelTimer: 'device' | 'wall';
  readonly identity: DeviceIdentity;
}

/** Registers one backend with tfjs and describes its device. One file per backend implements it. */
export interface BackendDriver {
  readonly name: BackendName;
  /** The name tfjs registers the backend under. */
  readonly tfjsName: string;
  readonly kernelTimer: 'device' | 'wall';
  /** Imports and registers the backend; throws BackendUnavailableError saying what to install. */
  register(): Promise<void>;
  /** Facts about the device beyond the host's CPU and OS (GPU adapter, thread count). */
  describe(): Promise<Partial<Pick<DeviceIdentity, 'gpu' | 'threads'>>>;
}
