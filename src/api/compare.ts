/**
 * `compare`: the library's cross-device comparison on the user's model and data: each device's architecture
 * shrunk for its measured latency (or given), every architecture priced on every device and measured on the
 * devices that run here. Profiles and structures come from paths or objects, data as `shrink` takes it; the
 * result is written to `<outDir>/compare.json` as `morphlat compare` does, and returned.
 */
import { compareArchitectures } from '../compare/run.js';
import { writeCompareJson } from '../compare/files.js';
import type { CompareDeviceInput, CompareResult } from '../compare/types.js';
import { dataOf, modelNameOf, modelOf, profileOf, structureOf, useBackend } from './inputs.js';
import type { CompareOptions } from './types.js';

/** Compares the architectures for `options.devices`; throws CancelledError (finished architectures kept) when aborted. */
export async function compare(options: CompareOptions): Promise<CompareResult> {
  const devices: CompareDeviceInput[] = [];
  for (const d of options.devices) {
    const device = typeof d === 'string' || !('profile' in d) ? { profile: d } : d;
    const structure = await structureOf(device.structure);
    devices.push({
      profile: await profileOf(device.profile),
      ...(typeof device.profile === 'string' ? { file: device.profile } : {}),
      ...(structure === undefined ? {} : { structure }),
      ...(typeof device.structure === 'string' ? { structureFile: device.structure } : {}),
    });
  }
  await useBackend(options.trainBackend, 'wasm');
  const model = await modelOf(options.model);
  const data = options.data === undefined ? undefined : await dataOf(options.data, model, 'auto', options.signal);
  const test = options.validation === undefined ? data?.heldOut : (await dataOf(options.validation, model, 'auto', options.signal)).train;
  const scored = options.candidateData === undefined ? data?.validation : (await dataOf(options.candidateData, model, 'auto', options.signal)).train;
  const result = await compareArchitectures({
    model,
    modelName: options.modelName ?? modelNameOf(options.model),
    devices,
    ...(options.shrink === undefined ? {} : { shrink: options.shrink }),
    ...(data === undefined ? {} : { train: data.train }),
    ...(test === undefined ? {} : { test }),
    ...(scored === undefined ? {} : { validation: scored }),
    ...(options.matchFlops === undefined ? {} : { matchFlops: options.matchFlops }),
    ...(options.retrainEpochs === undefined ? {} : { retrainEpochs: options.retrainEpochs }),
    ...(options.trainBackend === undefined ? {} : { trainBackend: options.trainBackend }),
    outDir: options.outDir,
    ...(options.resume === undefined ? {} : { resume: options.resume }),
    ...(options.measure === undefined ? {} : { measure: options.measure }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  await writeCompareJson(options.outDir, result);
  return result;
}
