/**
 * What a tfjs backend is to morphlat: a name the user picks, the driver that registers and starts it,
 * and the identity of the device it runs on (recorded in every device profile).
 */

/** The backends morphlat can run on. `tensorflow*` need the optional tfjs-node packages. */
export type BackendName = 'cpu' | 'wasm' | 'webgpu' | 'tensorflow' | 'tensorflow-gpu';

/** The backends in the order users see them. */
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgpu', 'tensorflow', 'tensorflow-gpu'];

/** GPU adapter facts, where the runtime exposes them. */
export interface GpuIdentity {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
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
