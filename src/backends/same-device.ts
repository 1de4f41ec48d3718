/**
 * Whether a device profile describes the device a backend runs on here: the same runtime, CPU and GPU
 * adapter. Measurements are only comparable with a profile's predictions on that very device.
 */
import type { DeviceIdentity } from './types.js';

/** The identity facts a comparison needs (a profile's `device` or an active backend's `identity`). */
export type ComparableIdentity = Pick<DeviceIdentity, 'runtime' | 'cpuModel' | 'cpuCores' | 'gpu'>;

function adapterName(identity: ComparableIdentity): string {
  return identity.gpu?.description || identity.gpu?.device || 'none';
}

/** Why the device `here` is not the profiled device, or undefined when it is the same. */
export function deviceMismatch(profiled: ComparableIdentity, here: ComparableIdentity): string | undefined {
  if (profiled.runtime !== here.runtime) return `the profile was measured in a ${profiled.runtime}, this is ${here.runtime}`;
  if (profiled.cpuModel !== here.cpuModel || profiled.cpuCores !== here.cpuCores) {
    return `the profile's CPU is ${profiled.cpuModel} (${profiled.cpuCores} cores), this machine's is ${here.cpuModel} (${here.cpuCores} cores)`;
  }
  if ((profiled.gpu?.description ?? '') !== (here.gpu?.description ?? '') || (profiled.gpu?.device ?? '') !== (here.gpu?.device ?? '')) {
    return `the profile's GPU adapter is ${adapterName(profiled)}, this machine's is ${adapterName(here)}`;
  }
  return undefined;
}
