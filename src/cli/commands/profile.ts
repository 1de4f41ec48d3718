/**
 * `morphlat profile`: measures a device (one tfjs backend here) and writes its device profile, with a
 * progress bar, within a time budget; `--resume` continues an interrupted run (or tops up a profile made by
 * an earlier version with the op configurations added since); `--refit` fits a profile
 * again from what it measured, timing nothing. With `--browser` it serves a profiling page instead and
 * profiles the browser that opens it (webgl, webgpu, wasm).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BrowserProfileOutcome } from '../../../profilers/browser/server.js';
import { BROWSER_BACKENDS } from '../../../profilers/browser/protocol.js';
import type { BrowserBackendName } from '../../../profilers/browser/protocol.js';
import { refitProfile } from '../../../profilers/refit.js';
import { checkResumable, measuredEndToEnd, unsweptItems } from '../../../profilers/run.js';
import { runOrTopUpProfile } from '../../../profilers/top-up.js';
import type { DeviceProfile } from '../../profile/schema.js';
import { BACKEND_NAMES, initBackend } from '../../backends/index.js';
import { BackendUnavailableError, CancelledError, UsageError } from '../../errors.js';
import { readProfile, writeProfile } from '../../profile/io.js';
import { profileProgressBar } from '../../report/profile-progress.js';
import { formatNumber, renderTable } from '../../report/table.js';
import { modelName, resolveModel } from '../../zoo/index.js';
import { useQuietBackend } from '../backend.js';
import type { CliArgs, CliOutput, CommandSpec } from '../command.js';
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
    headroom: {
      type: 'number',
      describe: "with --model: sweep each layer's channels this much past the model's own widths (1.25: a quarter past them), so that shrinking may widen a layer where the device runs it faster wider; default 1",
    },
    'budget-s': { type: 'number', describe: 'time budget in seconds', default: 120 },
    out: { type: 'string', describe: 'profile file to write (default: <device>-<backend>[-<model>].json)' },
    resume: { type: 'boolean', describe: 'continue the interrupted run saved in --out, or time the op configurations a profile made by an earlier version lacks (within --budget-s)', default: false },
    refit: { type: 'boolean', describe: 'fit the profile in --out again from what it measured, with this version (times nothing)', default: false },
    batch: { type: 'number', describe: 'batch size', default: 1 },
    seed: { type: 'number', describe: 'seed of the sweep design and variants', default: 1 },
    browser: { type: 'boolean', describe: 'serve a profiling page and profile the browser that opens it (needs --out)', default: false },
    backends: { type: 'string', describe: `with --browser: backends to profile, comma-separated (default ${BROWSER_BACKENDS.join(',')})` },
    host: { type: 'string', describe: 'with --browser: address to listen on (default 127.0.0.1; 0.0.0.0 for a phone on this network)' },
    port: { type: 'number', describe: 'with --browser: port to listen on (default: any free port)' },
  },
  examples: [
    ['$0 profile --backend wasm --model resnet-mini --out wasm-resnet.json', 'a model-specific profile in 120 s'],
    ['$0 profile --backend webgpu --model resnet-mini --headroom 1.25', 'a model-specific profile swept a quarter past the model\'s widths'],
    ['$0 profile --backend webgpu --budget-s 300', 'a generic profile of the WebGPU device'],
    ['$0 profile --refit --out wasm-resnet.json', 'refit a profile made by an earlier version, without measuring again'],
    ['$0 profile --browser --backends wasm --model resnet-mini --out browser-wasm.json', 'profile this machine\'s browser: open the printed address'],
    ['$0 profile --browser --host 0.0.0.0 --out phone', 'profile a phone on this network (scan the QR code); one profile per backend in phone/'],
  ],
  async run(args, io) {
    const budgetSeconds = numberArg(args, 'budget-s') ?? 120;
    if (!(budgetSeconds >= 10)) throw new UsageError('`--budget-s` must be at least 10 seconds');
    for (const name of ['refit', 'browser']) {
      if (flagArg(args, name) && args['headroom'] !== undefined) throw new UsageError(`\`--headroom\` and \`--${name}\` do not go together: ${name === 'refit' ? 'a refit keeps the ranges the profile swept' : 'the browser profiler sweeps to the model\'s own widths'}`);
    }
    if (flagArg(args, 'refit')) return refit(args, io);
    if (flagArg(args, 'browser')) return runBrowserProfile(args, io, budgetSeconds);
    for (const name of ['backends', 'host', 'port']) {
      if (args[name] !== undefined) throw new UsageError(`\`--${name}\` needs \`--browser\``);
    }
    const backend = await initBackend(stringArg(args, 'backend') ?? 'wasm');
    const modelSpec = stringArg(args, 'model');
    let headroom = numberArg(args, 'headroom');
    if (headroom !== undefined && modelSpec === undefined) throw new UsageError('`--headroom` needs `--model`: a generic sweep has no model widths to pass');
    if (headroom !== undefined && !(headroom >= 1 && headroom <= 4)) throw new UsageError(`\`--headroom\` must be between 1 and 4, got ${headroom}`);
    let out = stringArg(args, 'out');
    let resume: DeviceProfile | undefined;
    if (flagArg(args, 'resume')) {
      if (out === undefined) throw new UsageError('`--resume` needs `--out`, the file of the interrupted run');
      resume = await readProfile(out, { backend: backend.name });
      headroom ??= resume.model?.headroom;
    }
    const model =
      modelSpec === undefined
        ? undefined
        : { model: (await resolveModel(modelSpec)).model, name: modelName(modelSpec), ...(headroom === undefined ? {} : { headroom }) };
    if (resume !== undefined && out !== undefined) {
      checkResumable(resume, { backend, ...(model === undefined ? {} : { model }), batch: numberArg(args, 'batch') ?? 1 });
      const unswept = unsweptItems(resume, model?.model);
      if (resume.status === 'complete' && unswept.length === 0) {
        io.out(`${out} is already complete`);
        io.out(renderProfileSummary(resume));
        return;
      }
      if (measuredEndToEnd(resume)) {
        io.out(`${out} lacks ${unswept.length} op configuration(s) this version sweeps: timing them in ${budgetSeconds} s, then calibrating again on its measured networks`);
      }
    } else if (out !== undefined && (await fs.stat(out).catch(() => undefined)) !== undefined) {
      const existing = await readProfile(out).catch(() => undefined);
      if (existing?.status === 'partial') throw new UsageError(`${out} holds an interrupted run: add \`--resume\` to continue it, or choose another \`--out\``);
    }
    const bar = profileProgressBar({ interactive: io.interactive });
    const interrupt = abortOnInterrupt();
    let target = out;
    try {
      const profile = await runOrTopUpProfile({
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

/** `--refit`: the profile in `--out` fitted again from its samples and measured networks, written in place. */
async function refit(args: CliArgs, io: CliOutput): Promise<void> {
  const out = stringArg(args, 'out');
  if (out === undefined) throw new UsageError('`--refit` needs `--out`, the profile to fit again');
  for (const name of ['resume', 'browser']) {
    if (flagArg(args, name)) throw new UsageError(`\`--refit\` and \`--${name}\` do not go together`);
  }
  await useQuietBackend();
  const profile = await readProfile(out);
  const modelSpec = stringArg(args, 'model');
  const model = modelSpec === undefined ? undefined : (await resolveModel(modelSpec)).model;
  const refitted = await refitProfile(profile, model);
  await writeProfile(out, refitted);
  io.out(renderProfileSummary(refitted));
  io.out(`refitted ${out} (nothing timed)`);
}

function browserBackends(args: CliArgs): BrowserBackendName[] {
  const given = stringArg(args, 'backends');
  const names = given === undefined ? [...BROWSER_BACKENDS] : given.split(',').map((b) => b.trim()).filter((b) => b !== '');
  for (const name of names) {
    if (!(BROWSER_BACKENDS as readonly string[]).includes(name)) {
      throw new UsageError(`\`--backends\`: \`${name}\` is not a browser backend; choose from ${BROWSER_BACKENDS.join(', ')}`);
    }
  }
  if (names.length === 0) throw new UsageError('`--backends` names no backend');
  return [...new Set(names)] as BrowserBackendName[];
}

/** One backend: `--out` is its profile file; several: `--out` is a folder with `<backend>.json` each. */
async function browserFiles(out: string, backends: readonly BrowserBackendName[]): Promise<Record<BrowserBackendName, string>> {
  if (backends.length === 1) return { [backends[0]!]: out } as Record<BrowserBackendName, string>;
  const stat = await fs.stat(out).catch(() => undefined);
  if (out.endsWith('.json') || (stat !== undefined && !stat.isDirectory())) {
    throw new UsageError(`with several \`--backends\`, \`--out\` names a folder (one <backend>.json each), not the file ${out}`);
  }
  return Object.fromEntries(backends.map((b) => [b, path.join(out, `${b}.json`)])) as Record<BrowserBackendName, string>;
}

async function browserResume(files: Readonly<Record<BrowserBackendName, string>>, backends: readonly BrowserBackendName[], resume: boolean): Promise<Partial<Record<BrowserBackendName, DeviceProfile>>> {
  const kept: Partial<Record<BrowserBackendName, DeviceProfile>> = {};
  for (const b of backends) {
    const file = files[b];
    if ((await fs.stat(file).catch(() => undefined)) === undefined) continue;
    if (!resume) {
      const existing = await readProfile(file).catch(() => undefined);
      if (existing?.status === 'partial') throw new UsageError(`${file} holds an interrupted run: add \`--resume\` to continue it, or choose another \`--out\``);
      continue;
    }
    const profile = await readProfile(file, { backend: b });
    if (profile.device.runtime !== 'browser') throw new UsageError(`${file} was measured in ${profile.device.runtime}, not in a browser: it cannot be resumed with \`--browser\``);
    kept[b] = profile;
  }
  return kept;
}

function reportBrowserOutcome(outcome: BrowserProfileOutcome, io: CliOutput): void {
  for (const b of outcome.backends) {
    if (b.profile !== null && b.status === 'complete') {
      io.out(renderProfileSummary(b.profile));
      io.out(`wrote ${b.file}`);
    } else if (b.status === 'unavailable') io.out(`${b.name}: not available in this browser (${b.reason ?? 'no reason given'})`);
  }
  if (outcome.refused > 0) io.err(`${outcome.refused} request(s) were refused during the session${io.verbose ? '' : ' (--verbose shows them)'}`);
  if (outcome.status === 'stopped') {
    const saved = outcome.backends.filter((b) => b.profile !== null).map((b) => b.file);
    if (saved.length === 0) throw new CancelledError('interrupted before the browser sent any results; nothing was written');
    throw new CancelledError(`interrupted; what the browser sent is saved in ${saved.join(', ')}: rerun the same command with \`--resume\``);
  }
  const failed = outcome.backends.find((b) => b.status === 'failed');
  if (failed !== undefined) throw new BackendUnavailableError(failed.name, `profiling failed in the browser: ${failed.reason ?? 'unknown error'}`);
  if (outcome.backends.every((b) => b.status === 'unavailable')) {
    throw new BackendUnavailableError(outcome.backends.map((b) => b.name).join(', '), 'none of the backends is available in this browser');
  }
}

/** `profile --browser`: serves the profiling page until every backend is profiled (or Ctrl-C). */
async function runBrowserProfile(args: CliArgs, io: CliOutput, budgetSeconds: number): Promise<void> {
  const out = stringArg(args, 'out');
  if (out === undefined) throw new UsageError('`--browser` needs `--out`, where the browser\'s profiles go');
  const port = numberArg(args, 'port') ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`\`--port\` must be an integer from 0 to 65535, got ${port}`);
  const backends = browserBackends(args);
  const files = await browserFiles(out, backends);
  const resume = await browserResume(files, backends, flagArg(args, 'resume'));
  await useQuietBackend();
  const modelSpec = stringArg(args, 'model');
  const model = modelSpec === undefined ? undefined : { model: (await resolveModel(modelSpec)).model, name: modelName(modelSpec) };
  const { startBrowserProfiler } = await import('../../../profilers/browser/server.js');
  let bar: ReturnType<typeof profileProgressBar> | undefined;
  let barBackend: string | undefined;
  const finished = new Set<string>();
  const stopBar = (): void => {
    bar?.stop();
    bar = undefined;
    barBackend = undefined;
  };
  const profiler = await startBrowserProfiler({
    backends,
    files,
    ...(model === undefined ? {} : { model }),
    budgetSeconds,
    batch: numberArg(args, 'batch') ?? 1,
    seed: numberArg(args, 'seed') ?? 1,
    host: stringArg(args, 'host') ?? '127.0.0.1',
    port,
    resume,
    onRefused: (r) => {
      if (io.verbose) io.err(`refused ${r.method} ${r.path}: ${r.status} ${r.error}`);
    },
    onEvent: (e) => {
      if (e.kind === 'progress') {
        if (finished.has(e.backend)) return;
        if (barBackend !== e.backend) {
          stopBar();
          bar = profileProgressBar({ interactive: io.interactive });
          barBackend = e.backend;
        }
        bar?.onProgress({ ...e.progress, detail: `${e.backend} ${e.progress.detail}` });
        return;
      }
      if (e.kind === 'checkpoint' && e.profile.status !== 'complete') return;
      if (e.kind !== 'connected' && e.kind !== 'complete' && e.kind !== 'measured') finished.add(e.backend);
      stopBar();
      if (e.kind === 'connected') io.err(`browser connected: ${e.userAgent}`);
      else if (e.kind === 'checkpoint') io.err(`${e.backend}: profile complete, written to ${e.file}`);
      else if (e.kind === 'unavailable') io.err(`${e.backend}: not available in this browser (${e.reason})`);
      else if (e.kind === 'failed') io.err(`${e.backend}: failed in the browser: ${e.error}`);
    },
  });
  if (profiler.session.complete) {
    await profiler.stop();
    io.out(`every profile in ${out} is already complete`);
    reportBrowserOutcome(await profiler.done, io);
    return;
  }
  const interrupt = abortOnInterrupt();
  interrupt.signal.addEventListener('abort', () => void profiler.stop());
  try {
    const each = `${backends.join(', ')}; ${budgetSeconds} s each`;
    io.out(`open this address in the browser of the device to profile (${each}):`);
    for (const url of profiler.urls) io.out(`  ${url}`);
    if (!profiler.loopback) {
      const QRCode = (await import('qrcode')).default;
      io.out(await QRCode.toString(profiler.url, { type: 'terminal', small: true }));
    }
    if (profiler.certificate !== undefined) {
      io.out('The page is served over HTTPS (browsers time precisely and offer WebGPU only on secure pages) with a certificate');
      io.out(`made for this session: the browser warns that it is not trusted; check that it shows SHA-256 ${profiler.certificate.fingerprint256}, then proceed.`);
    }
    io.err('waiting for a browser (Ctrl-C stops and keeps what it sent)');
    const outcome = await profiler.done;
    stopBar();
    reportBrowserOutcome(outcome, io);
  } finally {
    stopBar();
    interrupt.release();
    await profiler.stop();
  }
}
