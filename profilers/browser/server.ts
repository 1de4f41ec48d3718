/**
 * The browser profiler's HTTP server (node:http): serves the profiling page, its bundled script, the
 * wasm binaries and the models to profile, and takes the page's posts into a BrowserSession. Every
 * request must carry the session's random token (in the URL the user opens, then as a header); bodies
 * are size-limited and parsed and validated before anything is written, each client is rate-limited,
 * and the only files written are the session's profile files. It listens on 127.0.0.1 unless asked
 * otherwise (and then serves HTTPS, see ./tls.ts) and stops by itself once the session is complete.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { DeviceProfile } from '../../src/profile/schema.js';
import { modelFingerprint } from '../run.js';
import { modelArtifacts } from './artifacts.js';
import type { ServedModel } from './artifacts.js';
import { pageScript } from './bundle.js';
import { pageHtml } from './page-html.js';
import type { BrowserBackendName, PostReply } from './protocol.js';
import { TOKEN_HEADER, WASM_FILES } from './protocol.js';
import { RateLimiter } from './rate-limit.js';
import type { RateLimit } from './rate-limit.js';
import { BrowserSession } from './session.js';
import type { BackendOutcome, SessionEvent } from './session.js';
import { sessionCertificate } from './tls.js';
import type { SessionCertificate } from './tls.js';
import { checkpointPost, failedPost, measurementPost, parseJsonBody, progressPost, unavailablePost } from './validate.js';
import type { Verdict } from './validate.js';

/** Limits on what clients may send. */
export interface ServerLimits {
  readonly maxBodyBytes: number;
  readonly rate: RateLimit;
}

export const DEFAULT_LIMITS: ServerLimits = { maxBodyBytes: 8 * 1024 * 1024, rate: { perSecond: 50, burst: 200 } };

/** What to profile in the browser, and where the profiles go. */
export interface BrowserProfilerOptions {
  readonly backends: readonly BrowserBackendName[];
  /** The profile file of each backend (the only files written). */
  readonly files: Readonly<Partial<Record<BrowserBackendName, string>>>;
  readonly model?: { readonly model: tfl.LayersModel; readonly name: string };
  /** Networks the page times end to end after each backend's profile (benchmarks). */
  readonly measure?: readonly { readonly label: string; readonly model: tfl.LayersModel }[];
  readonly budgetSeconds?: number;
  readonly batch?: number;
  readonly seed?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Serve HTTPS with a session certificate; default: when `host` is not loopback. */
  readonly tls?: boolean;
  readonly resume?: Readonly<Partial<Record<BrowserBackendName, DeviceProfile>>>;
  readonly limits?: Partial<ServerLimits>;
  readonly onEvent?: (e: SessionEvent) => void;
  /** Called for every refused request (for `--verbose`). */
  readonly onRefused?: (r: { method: string; path: string; status: number; error: string }) => void;
}

/** How the session ended: every backend settled, or stopped before that (Ctrl-C). */
export interface BrowserProfileOutcome {
  readonly status: 'complete' | 'stopped';
  readonly backends: readonly BackendOutcome[];
  /** Requests refused during the session. */
  readonly refused: number;
}

/** A running browser profiler. */
export interface BrowserProfiler {
  /** The address to open, token included. */
  readonly url: string;
  /** Every address it can be opened at (one per network interface when listening on all of them). */
  readonly urls: readonly string[];
  readonly token: string;
  readonly loopback: boolean;
  /** The self-signed certificate served over HTTPS (absent on plain HTTP). */
  readonly certificate?: Pick<SessionCertificate, 'cert' | 'fingerprint256'>;
  readonly session: BrowserSession;
  /** Settles when the session is complete (the server has then stopped) or stopped. */
  readonly done: Promise<BrowserProfileOutcome>;
  /** Stops the server; `done` then settles with what was received. */
  stop(): Promise<void>;
}

/** True for hosts only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function reachableHosts(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  return [...lan, '127.0.0.1'];
}

function wasmDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
}

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  // Cross-origin isolation: without it browsers coarsen performance.now() to 100 µs or more.
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

const PAGE_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:";

type Send = (status: number, body: string | Uint8Array, type: string, extra?: Record<string, string>) => void;

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Verdict<string>> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      resolve({ ok: false, status: 413, error: `the body (${declared} bytes) is over the limit of ${maxBytes} bytes` });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        resolve({ ok: false, status: 413, error: `the body is over the limit of ${maxBytes} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve({ ok: true, value: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', () => resolve({ ok: false, status: 400, error: 'the request was aborted' }));
    req.on('aborted', () => resolve({ ok: false, status: 400, error: 'the request was aborted' }));
  });
}

function tokenOf(req: http.IncomingMessage, url: URL): string {
  const header = req.headers[TOKEN_HEADER];
  return (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('token') ?? '';
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the server; resolves once it listens. */
export async function startBrowserProfiler(options: BrowserProfilerOptions): Promise<BrowserProfiler> {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const host = options.host ?? '127.0.0.1';
  await pageScript();
  const token = randomBytes(18).toString('base64url');
  const models = new Map<string, ServedModel>();
  if (options.model !== undefined) models.set('profile', await modelArtifacts(options.model.model));
  const measure = (options.measure ?? []).map((m, i) => ({ id: `m${i}`, name: m.label, model: m.model }));
  for (const m of measure) models.set(m.id, await modelArtifacts(m.model));
  const files: Partial<Record<BrowserBackendName, string>> = {};
  for (const b of options.backends) {
    const file = options.files[b];
    if (file === undefined) throw new Error(`no profile file given for backend ${b}`);
    files[b] = path.resolve(file);
  }

  let settle: (o: BrowserProfileOutcome) => void = () => {};
  const done = new Promise<BrowserProfileOutcome>((resolve) => (settle = resolve));
  let refusedCount = 0;
  let stopping: Promise<void> | undefined;
  let stopAfterReply = false;
  const session = new BrowserSession(
    {
      backends: options.backends,
      files,
      budgetSeconds: options.budgetSeconds ?? 120,
      batch: options.batch ?? 1,
      seed: options.seed ?? 1,
      model: options.model === undefined ? null : { id: 'profile', name: options.model.name, fingerprint: modelFingerprint(options.model.model) },
      measure: measure.map(({ id, name }) => ({ id, name })),
      ...(options.resume === undefined ? {} : { resume: options.resume }),
    },
    (e) => {
      if (e.kind === 'complete') stopAfterReply = true;
      options.onEvent?.(e);
    },
  );
  const limiter = new RateLimiter(limits.rate);
  const wasmFiles = new Map<string, Promise<Buffer>>();
  const wasm = (name: string): Promise<Buffer> => {
    let file = wasmFiles.get(name);
    if (file === undefined) {
      file = fs.readFile(path.join(wasmDir(), name));
      wasmFiles.set(name, file);
    }
    return file;
  };
  const posts: Readonly<Record<string, (json: unknown) => Promise<Verdict<PostReply>> | Verdict<PostReply>>> = {
    '/api/checkpoint': (json) => {
      const v = checkpointPost(json);
      return v.ok ? session.checkpoint(v.value) : v;
    },
    '/api/progress': (json) => {
      const v = progressPost(json);
      return v.ok ? session.progress(v.value) : v;
    },
    '/api/unavailable': (json) => {
      const v = unavailablePost(json);
      return v.ok ? session.unavailable(v.value) : v;
    },
    '/api/failed': (json) => {
      const v = failedPost(json);
      return v.ok ? session.failed(v.value) : v;
    },
    '/api/measurement': (json) => {
      const v = measurementPost(json);
      return v.ok ? session.measurement(v.value) : v;
    },
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, send: Send, refuse: (status: number, error: string) => void): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://morphlat.invalid');
    const method = req.method ?? 'GET';
    if (!limiter.allow(req.socket.remoteAddress ?? '?')) return refuse(429, 'too many requests');
    if (!sameToken(tokenOf(req, url), token)) return refuse(403, 'this request does not carry the session token of the URL morphlat printed');
    const route = url.pathname;
    if (method === 'GET') {
      if (route === '/') return send(200, pageHtml(`/page.js?token=${token}`), 'text/html; charset=utf-8', { 'content-security-policy': PAGE_CSP });
      if (route === '/page.js') return send(200, await pageScript(), 'text/javascript; charset=utf-8');
      const wasmName = /^\/wasm\/([a-z-]+\.wasm)$/.exec(route)?.[1];
      if (wasmName !== undefined && (WASM_FILES as readonly string[]).includes(wasmName)) return send(200, await wasm(wasmName), 'application/wasm');
      if (route === '/api/session') return send(200, JSON.stringify(session.open(req.headers['user-agent'] ?? '')), 'application/json');
      const model = /^\/api\/models\/([a-z0-9]+)\/(model\.json|weights\.bin)$/.exec(route);
      const served = model === null ? undefined : models.get(model[1] ?? '');
      if (served !== undefined) return model?.[2] === 'model.json' ? send(200, served.json, 'application/json') : send(200, served.weights, 'application/octet-stream');
      return refuse(404, `no such resource: ${route}`);
    }
    const accept = posts[route];
    if (method !== 'POST' || accept === undefined) return refuse(method === 'POST' ? 404 : 405, `${method} ${route} is not part of the profiling protocol`);
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return refuse(415, 'posts must be application/json');
    const body = await readBody(req, limits.maxBodyBytes);
    if (!body.ok) return refuse(body.status, body.error);
    const json = parseJsonBody(body.value);
    if (!json.ok) return refuse(json.status, json.error);
    const verdict = await accept(json.value);
    if (!verdict.ok) return refuse(verdict.status, verdict.error);
    send(200, JSON.stringify(verdict.value), 'application/json');
  };

  const useTls = options.tls ?? !isLoopback(host);
  const certificate = useTls ? await sessionCertificate(reachableHosts(host)) : undefined;
  const listener: http.RequestListener = (req, res) => {
    const send: Send = (status, body, type, extra = {}) => {
      if (res.headersSent) return;
      res.writeHead(status, { ...COMMON_HEADERS, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
      res.end(body);
    };
    const refuse = (status: number, error: string): void => {
      refusedCount++;
      options.onRefused?.({ method: req.method ?? '?', path: (req.url ?? '').split('?')[0] ?? '', status, error });
      const close: Record<string, string> = req.complete ? {} : { connection: 'close' };
      send(status, JSON.stringify({ error }), 'application/json', close);
      if (!req.complete) res.on('finish', () => req.destroy());
    };
    handle(req, res, send, refuse)
      .catch((e: unknown) => send(500, JSON.stringify({ error: `server error: ${e instanceof Error ? e.message : String(e)}` }), 'application/json'))
      .finally(() => {
        if (stopAfterReply) {
          stopAfterReply = false;
          res.on('close', () => void stop());
          if (res.writableFinished) void stop();
        }
      });
  };
  const server = certificate === undefined ? http.createServer(listener) : https.createServer({ key: certificate.key, cert: certificate.cert }, listener);
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await session.flushed();
      settle({ status: session.complete ? 'complete' : 'stopped', backends: session.outcomes(), refused: refusedCount });
    })();
    return stopping;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = certificate === undefined ? 'http' : 'https';
  const urls = reachableHosts(host).map((h) => `${scheme}://${urlHost(h)}:${port}/?token=${token}`);
  return {
    url: urls[0] ?? '',
    urls,
    token,
    loopback: isLoopback(host),
    ...(certificate === undefined ? {} : { certificate: { cert: certificate.cert, fingerprint256: certificate.fingerprint256 } }),
    session,
    done,
    stop,
  };
}
