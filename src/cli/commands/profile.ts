/**
 * `morphlat profile`: measures a device (one tfjs backend here) and writes its device profile, with a
 * progress bar, within a time budget; `--resume` continues an interrupted run.
 */
import { promises as fs } from 'node:fs';
import { runProfile } from '../../../profilers/run.js';
import type { DeviceProfile } from '../../profile/schema.js';
import { BACKEND_NAMES, initBackend } from '../../backends/index.js';
import { CancelledError, UsageError } from '../../errors.js';
import { readProfile, writeProfile } from '../../profile/io.js';
import { profileProgressBar } from '../../report/profile-progress.js';
import { formatNumber, renderTable } from '../../report/table.js';
import { modelName, resolveModel } from '../../zoo/index.js';
import type { CommandSpec } from '../command.js';
import { flagArg, numberArg, stringArg } from '../command.js';
import { abortOnInterrupt } from '../interrupt.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The summary printed after profiling: rates, bandwidth, overhead and validation errors. */
export function renderProfileSummary(profile: DeviceProfile): string {
  const lines: string[] = [`profile ${profile.name} (${profile.device.backend}, ${profile.status}, ${profile.profilingSeconds.toFixed(0)} s)`];
  const r = profile.roofline;
  if (r !== null) {
    lines.push(
      renderTable(
        [{ header: 'roofline' }, { header: 'measured', align: 'right' }],
        [
          ...Object.entries(r.gflops).map(([kind, g]) => [`${kind} GFLOP/s`, g.toFixed(2)]),
          ['bandwidth GB/s', r.bandwidthGBps.toFixed(2)],
          ['overhead µs/kernel', r.overheadUs.toFixed(1)],
        ],
      ),
    );
  }
  const sampled = profile.ops.reduce((s, o) => s + o.samples.length + o.heldOut.length, 0);
  lines.push(`${profile.ops.length} op signatures, ${formatNumber(sampled)} timed points, ${profile.families.length} pooled fits`);
  const held = profile.validation.heldOutPoints;
  if (held !== null) lines.push(`held-out points: ${held.count}, median error ${pct(held.medianAbsError)}, ${pct(held.within10)} within ±10%`);
  const e2e = profile.validation.endToEnd;
  if (e2e !== null) lines.push(`held-out networks end to end: ${e2e.count}, median error ${pct(e2e.medianAbsError)}, ${pct(e2e.within10)} within ±10%`);
  return lines.join('\n');
}

export const profileCommand: CommandSpec = {
  command: 'profile',
  describe: 'measure this device on a tfjs backend and write a device profile',
  options: {
    backend: { type: 'string', describe: 'tfjs backend to profile', choices: BACKEND_NAMES, default: 'wasm' },
    model: { type: 'string', describe: 'profile this model\'s layers (zoo name or model.json); default: a generic sweep' },
    'budget-s': { type: 'number', describe: 'time budget in seconds', default: 120 },
    out: { type: 'string', describe: 'profile file to write (default: <device>-<backend>[-<model>].json)' },
    resume: { type: 'boolean', describe: 'continue the interrupted run saved in --out', default: false },
    batch: { type: 'number', describe: 'batch size', default: 1 },
    seed: { type: 'number', describe: 'seed of the sweep design and variants', default: 1 },
  },
  examples: [
    ['$0 profile --backend wasm --model resnet-mini --out wasm-resnet.json', 'a model-specific profile in 120 s'],
    ['$0 profile --backend webgpu --budget-s 300', 'a generic profile of the WebGPU device'],
  ],
  async run(args, io) {
    const budgetSeconds = numberArg(args, 'budget-s') ?? 120;
    if (!(budgetSeconds >= 10)) throw new UsageError('`--budget-s` must be at least 10 seconds');
    const backend = await initBackend(stringArg(args, 'backend') ?? 'wasm');
    const modelSpec = stringArg(args, 'model');
    const model = modelSpec === undefined ? undefined : { model: (await resolveModel(modelSpec)).model, name: modelName(modelSpec) };
    let out = stringArg(args, 'out');
    let resume: DeviceProfile | undefined;
    if (flagArg(args, 'resume')) {
      if (out === undefined) throw new UsageError('`--resume` needs `--out`, the file of the interrupted run');
      resume = await readProfile(out, { backend: backend.name });
      if (resume.status === 'complete') {
        io.out(`${out} is already complete`);
        io.out(renderProfileSummary(resume));
        return;
      }
    } else if (out !== undefined && (await fs.stat(out).catch(() => undefined)) !== undefined) {
      const existing = await readProfile(out).catch(() => undefined);
      if (existing?.status === 'partial') throw new UsageError(`${out} holds an interrupted run: add \`--resume\` to continue it, or choose another \`--out\``);
    }
    const bar = profileProgressBar({ interactive: io.interactive });
    const interrupt = abortOnInterrupt();
    let target = out;
    try {
      const profile = await runProfile({
        backend,
        ...(model === undefined ? {} : { model }),
        budgetSeconds,
        batch: numberArg(args, 'batch') ?? 1,
        seed: numberArg(args, 'seed') ?? 1,
        ...(resume === undefined ? {} : { resume }),
        signal: interrupt.signal,
        onProgress: bar.onProgress,
        onCheckpoint: async (p) => {
          target ??= `${p.name}.json`;
          await writeProfile(target, p);
        },
      });
      bar.stop();
      out = target ?? `${profile.name}.json`;
      io.out(renderProfileSummary(profile));
      io.out(`wrote ${out}`);
    } catch (e) {
      bar.stop();
      if (e instanceof CancelledError && target !== undefined) {
        throw new CancelledError(`interrupted; what was measured is saved in ${target}: rerun with \`--out ${target} --resume\``);
      }
      throw e;
    } finally {
      interrupt.release();
    }
  },
};
