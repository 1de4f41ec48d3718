/**
 * `initBackend`: makes one tfjs backend active and ready, from a table of drivers, one per backend.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, UsageError } from '../errors.js';
import { cpuDriver } from './cpu.js';
import { tensorflowDriver, tensorflowGpuDriver } from './tensorflow.js';
import type { ActiveBackend, BackendDriver, BackendName, DeviceIdentity } from './types.js';
import { BACKEND_NAMES } from './types.js';
import { wasmDriver } from './wasm.js';
import { webglDriver } from './webgl.js';
import { webgpuDriver } from './webgpu.js';

const DRIVERS: Readonly<Record<BackendName, BackendDriver>> = {
  cpu: cpuDriver,
  wasm: wasmDriver,
  webgpu: webgpuDriver,
  webgl: webglDriver,
  tensorflow: tensorflowDriver,
  'tensorflow-gpu': tensorflowGpuDriver,
};

const registered = new Map<BackendName, Promise<void>>();

/** True when `name` is one of the backends morphlat knows. */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** The host facts shared by every backend's identity. */
export function hostIdentity(): Pick<DeviceIdentity, 'runtime' | 'os' | 'cpuModel' | 'cpuCores' | 'tfjsVersion'> {
  const cpus = os.cpus();
  return {
    runtime: 'node',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCores: cpus.length,
    tfjsVersion: tf.version_core,
  };
}

/**
 * Registers (once) and activates a backend, waits until it is ready, and describes its device.
 * Throws BackendUnavailableError naming what to install when it cannot start.
 */
export async function initBackend(name: BackendName | string): Promise<ActiveBackend> {
  if (!isBackendName(name)) {
    throw new UsageError(`unknown backend \`${name}\`; choose one of ${BACKEND_NAMES.join(', ')}`);
  }
  const driver = DRIVERS[name];
  tf.env().set('PROD', true);
  let registering = registered.get(name);
  if (registering === undefined) {
    registering = driver.register();
    registered.set(name, registering);
    registering.catch(() => registered.delete(name));
  }
  await registering;
  let ok: boolean;
  try {
    ok = await tf.setBackend(driver.tfjsName);
    await tf.ready();
  } catch (e) {
    throw new BackendUnavailableError(name, `tfjs could not initialize it (${String(e)})`, { cause: e });
  }
  if (!ok || tf.getBackend() !== driver.tfjsName) {
    throw new BackendUnavailableError(name, 'tfjs could not initialize it (see the messages above)');
  }
  const extra = await driver.describe();
  return {
    name,
    kernelTimer: driver.kernelTimer,
    identity: { backend: name, tfjsBackend: driver.tfjsName, threads: 1, ...hostIdentity(), ...extra },
  };
}
