/** The options the benchmarks that compare target devices share: which models, which device profiles. */
import path from 'node:path';

/** `--models` and `--profiles`, for yargs' `options()`. */
export const DEVICE_BENCH_OPTIONS = {
  models: { type: 'string', default: 'resnet-mini,mobilenet-mini', describe: 'zoo models, comma-separated' },
  profiles: {
    type: 'string',
    default: 'device-profiles/amd-epyc-2c-wasm-{model}.json,device-profiles/llvmpipe-2c-webgpu-{model}.json',
    describe: 'target devices\' profiles, comma-separated, {model} replaced by the model name',
  },
} as const;

/** The profile files `--profiles` names for one model, resolved against the package root. */
export function profileFilesFor(profiles: string, model: string, root: string): string[] {
  return profiles.split(',').map((p) => path.resolve(root, p.replace('{model}', model)));
}
