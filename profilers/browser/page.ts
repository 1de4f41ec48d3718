/**
 * The profiling page (bundled by ./bundle.ts): asks the server for the session, then for each backend
 * starts it, runs `runProfile` (the same profiler as in Node) posting every checkpoint and progress
 * update back, resumes a partial profile the server hands it, and times the session's networks end to
 * end with the same definition as Node (../end-to-end.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { DeviceIdentity } from '../../src/backends/types.js';
import type { DeviceProfile } from '../../src/profile/schema.js';
import { measureEndToEndMany } from '../end-to-end.js';
import type { ProfileProgress } from '../run.js';
import { runProfile } from '../run.js';
import { pageGlobals } from './dom.js';
import type { PageElement } from './dom.js';
import { startBrowserBackend } from './drivers.js';
import type { DriverContext } from './drivers.js';
import { browserFacts } from './identity.js';
import type { BrowserBackendName, MeasuredNetwork, PostReply, SessionBackend, SessionInfo } from './protocol.js';
import { TOKEN_HEADER, WASM_FILES } from './protocol.js';

const page = pageGlobals();

/** A clock coarser than this (ms) cannot time kernels of tens of microseconds. */
const COARSEST_CLOCK_MS = 0.05;
const token = new URLSearchParams(page.location.search).get('token') ?? '';

/** A request the server refused; `superseded` when another tab took the session over. */
class RefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  get superseded(): boolean {
    return this.status === 409 && /superseded/.test(this.message);
  }
}

function apiUrl(path: string): string {
  return `${page.location.origin}${path}?token=${encodeURIComponent(token)}`;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(apiUrl(path), { ...init, headers: { ...(init.headers ?? {}), [TOKEN_HEADER]: token } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new RefusedError(response.status, body.error ?? `${path}: HTTP ${response.status}`);
  }
  return response;
}

async function post(path: string, body: unknown): Promise<PostReply> {
  const response = await request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as PostReply;
}

async function servedModel(id: string): Promise<tfl.LayersModel> {
  const [json, weights] = await Promise.all([
    request(`/api/models/${id}/model.json`).then((r) => r.json() as Promise<tf.io.ModelJSON>),
    request(`/api/models/${id}/weights.bin`).then((r) => r.arrayBuffer()),
  ]);
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weights }));
}

function element(id: string): PageElement {
  const found = page.document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

function say(text: string, kind: '' | 'error' | 'done' = ''): void {
  const status = element('status');
  status.textContent = text;
  status.className = kind;
}

/** One backend's row on the page: name, progress bar, what is being timed. */
interface Row {
  show(fraction: number, detail: string): void;
}

function row(name: string): Row {
  const box = page.document.createElement('div');
  box.className = 'backend';
  const label = page.document.createElement('strong');
  label.textContent = name;
  const bar = page.document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  const detail = page.document.createElement('div');
  detail.className = 'detail';
  box.append(label, bar, detail);
  element('backends').append(box);
  return {
    show(fraction, text) {
      bar.value = Math.min(1, Math.max(0, fraction));
      detail.textContent = text;
    },
  };
}

/** Why a partial profile measured elsewhere must not be continued here, or undefined. */
function otherDevice(started: DeviceIdentity, here: DeviceIdentity): string | undefined {
  if (started.userAgent !== here.userAgent) return `it was started in another browser (${started.userAgent ?? 'unknown'})`;
  if ((started.gpu?.description ?? '') !== (here.gpu?.description ?? '')) return `it was started on another GPU (${started.gpu?.description ?? 'none'})`;
  if (started.cpuCores !== here.cpuCores) return `it was started on a device with ${started.cpuCores} cores`;
  return undefined;
}

async function measureNetworks(session: SessionInfo): Promise<MeasuredNetwork[]> {
  const models = [];
  try {
    for (const ref of session.measure) models.push(await servedModel(ref.id));
    const results = await measureEndToEndMany(models, { batch: session.batch });
    return results.map((r, i) => ({ id: session.measure[i]!.id, medianMs: r.medianMs, roundMediansMs: r.roundMediansMs, spread: r.spread, runs: r.runs }));
  } finally {
    for (const m of models) m.dispose();
  }
}

/** Why this page's clock cannot time kernels, or undefined when it can. */
function coarseClock(context: DriverContext): string | undefined {
  const { timerResolutionMs = 0, secureContext, crossOriginIsolated } = context.facts.browser;
  if (timerResolutionMs <= COARSEST_CLOCK_MS) return undefined;
  const state = !secureContext ? 'this page is not a secure context (open the https address)' : crossOriginIsolated ? 'even though this page is cross-origin isolated' : 'this page is not cross-origin isolated';
  return `this page's clock steps by ${(timerResolutionMs * 1000).toFixed(0)} µs, too coarse to time kernels: browsers give fine clocks only to secure, cross-origin isolated pages, and ${state}`;
}

async function profileBackend(session: SessionInfo, state: SessionBackend, context: DriverContext, view: Row): Promise<boolean> {
  const backendName: BrowserBackendName = state.name;
  const base = { runner: session.runner, backend: backendName };
  const coarse = coarseClock(context);
  const started = coarse === undefined ? await startBrowserBackend(backendName, context) : { ok: false as const, reason: coarse };
  if (!started.ok) {
    view.show(0, `not available here: ${started.reason}`);
    return (await post('/api/unavailable', { ...base, reason: started.reason })).complete;
  }
  const resume: DeviceProfile | undefined = state.profile ?? undefined;
  if (resume !== undefined) {
    const other = otherDevice(resume.device, started.backend.identity);
    if (other !== undefined) {
      view.show(0, `cannot continue this profile here: ${other}; open the address in that browser`);
      return false;
    }
  }
  let complete = false;
  if (resume?.status !== 'complete') {
    const model = session.model === null ? undefined : { model: await servedModel(session.model.id), name: session.model.name };
    let progressPosts: Promise<unknown> = Promise.resolve();
    const onProgress = (progress: ProfileProgress): void => {
      view.show(progress.spentMs / progress.budgetMs, `${progress.phase}: ${progress.detail}`);
      progressPosts = progressPosts.then(() => post('/api/progress', { ...base, progress })).catch(() => undefined);
    };
    try {
      await runProfile({
        backend: started.backend,
        ...(model === undefined ? {} : { model }),
        budgetSeconds: session.budgetSeconds,
        batch: session.batch,
        seed: session.seed,
        ...(resume === undefined ? {} : { resume }),
        onProgress,
        onCheckpoint: async (profile) => {
          complete = (await post('/api/checkpoint', { ...base, profile })).complete;
        },
      });
    } finally {
      model?.model.dispose();
      await progressPosts;
    }
  }
  if (session.measure.length > 0 && !state.measured) {
    view.show(1, `timing ${session.measure.length} networks end to end`);
    complete = (await post('/api/measurement', { ...base, networks: await measureNetworks(session) })).complete;
  }
  view.show(1, 'done');
  return complete;
}

async function main(): Promise<void> {
  const session = (await (await request('/api/session')).json()) as SessionInfo;
  const facts = await browserFacts(page);
  element('device').textContent = `${facts.browser.name} ${facts.browser.version} on ${facts.os}; ${facts.cores} cores` +
    (facts.browser.webgpu === undefined ? '' : `; WebGPU: ${facts.browser.webgpu.vendor} ${facts.browser.webgpu.architecture}`.trimEnd()) +
    (facts.browser.webgl === undefined ? '' : `; WebGL: ${facts.browser.webgl.renderer}`);
  const wasmUrls = Object.fromEntries(WASM_FILES.map((f) => [f, apiUrl(`/wasm/${f}`)])) as DriverContext['wasmUrls'];
  const context: DriverContext = { facts, wasmUrls };
  let complete = false;
  for (const state of session.backends) {
    const view = row(state.name);
    const settled = state.status === 'unavailable' || state.status === 'failed' || (state.status === 'complete' && state.measured);
    if (settled) {
      view.show(state.status === 'complete' ? 1 : 0, state.status === 'complete' ? 'done' : `${state.status}: ${state.reason ?? ''}`);
      continue;
    }
    say(`profiling ${state.name}…`);
    try {
      complete = await profileBackend(session, state, context, view);
    } catch (e) {
      if (e instanceof RefusedError && e.superseded) throw e;
      const message = e instanceof Error ? e.message : String(e);
      view.show(0, `failed: ${message}`);
      complete = (await post('/api/failed', { runner: session.runner, backend: state.name, error: message })).complete;
    }
  }
  say(complete ? 'done: every profile has been sent; you can close this tab.' : 'done here; the server is still waiting for other work.', 'done');
}

main().catch((e: unknown) => {
  const message = e instanceof RefusedError && e.superseded ? 'another tab took over this profiling session; this one stopped.' : `stopped: ${e instanceof Error ? e.message : String(e)}`;
  say(message, 'error');
});
