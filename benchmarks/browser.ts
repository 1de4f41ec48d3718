/**
 * `npm run bench:browser`: the same device profiled in two runtimes. This machine's wasm backend is
 * profiled in Node (`runProfile`) and in headless Chromium (`morphlat profile --browser`'s page, same
 * profiler), each with a generic profile of the same budget; then, in each runtime right after its
 * profile, every zoo model and a few random-width variants are timed end to end with the one
 * definition of end-to-end latency (profilers/end-to-end.ts, bundled into the page). The section gives
 * both profiles side by side, their predictions for the zoo models, and each one's prediction error
 * against the latency measured in its own runtime.
 *
 * Usage: node dist/benchmarks/browser.js [--models a,b] [--variants 5] [--budget-s 120]
 *        [--save-profile] [--no-write]
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { chromium } from 'playwright-core';
import { median, sampleRankCorrelation } from 'simple-statistics';
import yargs from 'yargs';
import { startBrowserProfiler } from '../profilers/browser/server.js';
import type { MeasuredNetwork } from '../profilers/browser/protocol.js';
import { measureEndToEndMany } from '../profilers/end-to-end.js';
import { runProfile } from '../profilers/run.js';
import { randomStructure } from '../profilers/variants.js';
import { initBackend } from '../src/backends/index.js';
import { latencyTarget, networkCost } from '../src/costs/index.js';
import { buildGraph, rebuildWithStructure } from '../src/graph/index.js';
import type { Structure } from '../src/graph/index.js';
import type { DeviceProfile } from '../src/profile/index.js';
import { writeProfile } from '../src/profile/index.js';
import { packageRoot } from '../src/train/data/package-root.js';
import { writeJsonAtomic } from '../src/util/atomic.js';
import { ZOO, zooEntry } from '../src/zoo/index.js';
import { writeSection } from './markdown.js';

const CHROMIUM = process.env['MORPHLAT_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

const args = await yargs(process.argv.slice(2))
  .option('models', { type: 'string', default: ZOO.map((m) => m.name).join(',') })
  .option('variants', { type: 'number', default: 5, describe: 'random-width variants per model besides the seed' })
  .option('budget-s', { type: 'number', default: 120, describe: 'profiling budget of each runtime' })
  .option('save-profile', { type: 'boolean', default: false, describe: 'also save the browser profile in device-profiles/' })
  .option('write', { type: 'boolean', default: true, describe: 'write the BENCHMARKS.md section and benchmarks/results/browser-wasm.json (--no-write: print only)' })
  .strict()
  .parseAsync();

const log = (m: string): void => void process.stderr.write(`[bench:browser] ${m}\n`);
const root = packageRoot(import.meta.url);

/** One network timed in both runtimes: a zoo model's seed or one of its width variants. */
interface Network {
  readonly label: string;
  readonly model: string;
  readonly structure: Structure;
  readonly graph: ReturnType<typeof buildGraph>;
  readonly built: tfl.LayersModel;
}

/** A runtime's profile and its end-to-end measurements of the networks, in order. */
interface Runtime {
  readonly name: string;
  readonly profile: DeviceProfile;
  readonly measuredMs: readonly number[];
}

interface Accuracy {
  readonly medianAbsError: number;
  readonly within10: number;
  readonly spearman: number;
}

function accuracy(predicted: readonly number[], measured: readonly number[]): Accuracy {
  const errors = predicted.map((p, i) => Math.abs(p - measured[i]!) / measured[i]!);
  return { medianAbsError: median(errors), within10: errors.filter((e) => e <= 0.1).length / errors.length, spearman: sampleRankCorrelation([...predicted], [...measured]) };
}

const predictions = (r: Runtime, networks: readonly Network[]): number[] => {
  const target = latencyTarget(r.profile);
  return networks.map((n) => networkCost(n.graph, target, n.structure).total);
};

const loadAtStart = os.loadavg()[0] ?? 0;
const date = new Date().toISOString().slice(0, 10);
await initBackend('cpu');
const networks: Network[] = [];
for (const name of args.models.split(',')) {
  const seed = zooEntry(name).build();
  const graph = buildGraph(seed);
  networks.push({ label: `${name} (seed)`, model: name, structure: {}, graph, built: seed });
  for (let i = 0; i < args.variants; i++) {
    const structure = randomStructure(graph, 777_000 + i);
    networks.push({ label: `${name} variant ${i}`, model: name, structure, graph, built: await rebuildWithStructure(seed, structure) });
  }
}

log(`node: a generic wasm profile in ${args['budget-s']} s`);
const backend = await initBackend('wasm');
const nodeProfile = await runProfile({ backend, budgetSeconds: args['budget-s'] });
log(`node: timing ${networks.length} networks end to end`);
const nodeMeasured = (await measureEndToEndMany(networks.map((n) => n.built))).map((r) => r.medianMs);
const node: Runtime = { name: 'Node', profile: nodeProfile, measuredMs: nodeMeasured };

await initBackend('cpu');
const browserFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'morphlat-bench-browser-')), 'wasm.json');
if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package or set MORPHLAT_CHROMIUM`);
log(`browser: serving the profiling page; a generic wasm profile in ${args['budget-s']} s, then the same networks end to end`);
const profiler = await startBrowserProfiler({
  backends: ['wasm'],
  files: { wasm: browserFile },
  budgetSeconds: args['budget-s'],
  measure: networks.map((n) => ({ label: n.label, model: n.built })),
  onEvent: (e) => {
    if (e.kind === 'progress' && e.progress.phase !== 'sweep') log(`browser: ${e.progress.phase} ${e.progress.detail}`);
    if (e.kind === 'failed' || e.kind === 'unavailable') log(`browser: ${e.kind}: ${'error' in e ? e.error : e.reason}`);
  },
});
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const userAgent = await (async () => {
  const page = await browser.newPage();
  await page.goto(profiler.url);
  return page.evaluate('navigator.userAgent') as Promise<string>;
})();
const outcome = await profiler.done;
await browser.close();
const result = outcome.backends[0];
if (outcome.status !== 'complete' || result?.status !== 'complete' || result.profile === null || result.networks === undefined) {
  throw new Error(`the browser session ended ${outcome.status}: wasm ${result?.status ?? 'missing'} ${result?.reason ?? ''}`);
}
const byId = new Map<string, MeasuredNetwork>(result.networks.map((n) => [n.id, n]));
const browserRuntime: Runtime = { name: 'browser', profile: result.profile, measuredMs: networks.map((_, i) => byId.get(`m${i}`)?.medianMs ?? Number.NaN) };
if (args['save-profile']) await writeProfile(path.join(root, 'device-profiles', `${result.profile.name}.json`), result.profile);

const runtimes = [node, browserRuntime];
const predicted = runtimes.map((r) => predictions(r, networks));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (p: number, m: number): string => `${p >= m ? '+' : ''}${(((p - m) / m) * 100).toFixed(1)}%`;
const seedRows = networks
  .map((n, i) => ({ n, i }))
  .filter(({ n }) => n.label.endsWith('(seed)'))
  .map(({ n, i }) => {
    const cells = runtimes.flatMap((r, k) => [predicted[k]![i]!.toFixed(3), r.measuredMs[i]!.toFixed(3), signed(predicted[k]![i]!, r.measuredMs[i]!)]);
    return `| ${n.model} | ${cells.join(' | ')} | ${(browserRuntime.measuredMs[i]! / node.measuredMs[i]!).toFixed(2)} |`;
  });
const summaryRows = runtimes.map((r, k) => {
  const a = accuracy(predicted[k]!, r.measuredMs);
  return `| ${r.name} wasm | ${networks.length} | ${pct(a.medianAbsError)} | ${(a.within10 * 100).toFixed(0)}% | ${a.spearman.toFixed(3)} |`;
});
const crossRows = runtimes.map((r, k) => {
  const other = runtimes[1 - k]!;
  const a = accuracy(predicted[k]!, other.measuredMs);
  return `| ${r.name} profile → ${other.name} latency | ${pct(a.medianAbsError)} | ${(a.within10 * 100).toFixed(0)}% | ${a.spearman.toFixed(3)} |`;
});
const profileRow = (label: string, value: (p: DeviceProfile) => string): string => `| ${label} | ${runtimes.map((r) => value(r.profile)).join(' | ')} |`;
const gflops = (kind: string) => (p: DeviceProfile): string => p.roofline?.gflops[kind]?.toFixed(2) ?? '–';
const errorOf = (s: DeviceProfile['validation']['heldOutPoints']): string => (s === null ? '–' : `${pct(s.medianAbsError)} (${s.count})`);
const cpus = os.cpus();
const command = `npm run bench:browser${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

const body = `## Browser wasm against Node wasm, same machine (\`npm run bench:browser\`)

Command: \`${command}\`; machine: ${cpus[0]?.model.trim()} (${cpus.length} cores, shared: load average ${loadAtStart.toFixed(1)} at the start), ${os.type()} ${os.release()}; date: ${date}.
Browser: ${userAgent} (headless, cross-origin isolated page, single-threaded wasm as on a page that is not isolated).
Each runtime: a generic wasm profile with a ${args['budget-s']} s budget, then, right after it, the seed of each zoo model
and ${args.variants} random-width variant${args.variants === 1 ? '' : 's'} of each (every tie group 25-100% of the seed's) timed end to end (batch 1,
predict + download, warm-up, median of 25 rounds of 3 runs, all ${networks.length} networks taking turns); the browser's
networks are the Node networks serialized with their weights. Each profile predicts every network and is compared with the
latency measured in its own runtime; the profiles are used as they are (no rescaling). This shared machine's speed drifts
by tens of percent between minutes, which moves the two runtimes' measurements apart as much as any runtime difference.

The zoo models' seeds (ms):

| model | Node predicted | Node measured | Node error | browser predicted | browser measured | browser error | browser / Node measured |
| --- | --- | --- | --- | --- | --- | --- | --- |
${seedRows.join('\n')}

Every network (seeds and variants), each profile against its own runtime:

| profile | networks | median abs error | within ±10% | Spearman |
| --- | --- | --- | --- | --- |
${summaryRows.join('\n')}

Each profile against the other runtime's latency (what using a Node profile for browser inference would give):

| prediction | median abs error | within ±10% | Spearman |
| --- | --- | --- | --- |
${crossRows.join('\n')}

The two profiles:

| | Node | browser |
| --- | --- | --- |
${profileRow('profile', (p) => `\`${p.name}\``)}
${profileRow('conv2d GFLOP/s', gflops('conv2d'))}
${profileRow('depthwise GFLOP/s', gflops('depthwise'))}
${profileRow('dense GFLOP/s', gflops('dense'))}
${profileRow('bandwidth GB/s', (p) => p.roofline?.bandwidthGBps.toFixed(2) ?? '–')}
${profileRow('overhead µs/kernel', (p) => p.roofline?.overheadUs.toFixed(1) ?? '–')}
${profileRow('held-out points, median error (count)', (p) => errorOf(p.validation.heldOutPoints))}
${profileRow('held-out calibration networks, median error (count)', (p) => errorOf(p.validation.endToEnd))}
${profileRow('profiling time', (p) => `${p.profilingSeconds.toFixed(0)} s`)}
`;

const raw = {
  date,
  command,
  userAgent,
  networks: networks.map((n, i) => ({
    label: n.label,
    model: n.model,
    structure: n.structure,
    nodeMeasuredMs: node.measuredMs[i],
    nodePredictedMs: predicted[0]![i],
    browserMeasuredMs: browserRuntime.measuredMs[i],
    browserPredictedMs: predicted[1]![i],
  })),
  nodeProfile: nodeProfile.name,
  browserProfile: result.profile.name,
};
if (args.write) {
  await writeJsonAtomic(path.join(root, 'benchmarks', 'results', 'browser-wasm.json'), raw);
  log(`written to ${await writeSection('bench:browser', body)}`);
}
process.stdout.write(`${body}\n`);
process.exit(0);
