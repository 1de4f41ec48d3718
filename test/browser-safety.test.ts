/**
 * The browser profiler's server refuses what it must: requests without the session token, malformed,
 * invalid, foreign, stale or oversized posts, floods; and it writes nothing but the session's profile
 * files. No browser is needed: the requests are made here.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBrowserProfiler } from '../profilers/browser/server.js';
import type { BrowserProfiler } from '../profilers/browser/server.js';
import type { SessionInfo } from '../profilers/browser/protocol.js';
import { initBackend } from '../src/backends/index.js';
import type { DeviceProfile } from '../src/profile/schema.js';
import { zooEntry } from '../src/zoo/index.js';
import { ROOT } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'morphlat-browser-safety-'));
const outDir = path.join(dir, 'out');
const file = path.join(outDir, 'wasm.json');
const MAX_BODY = 1024 * 1024;
let profiler: BrowserProfiler;

/** A committed Node profile of plain-cnn on wasm, turned into what a browser page would post. */
function browserProfile(changes: Partial<DeviceProfile> = {}): DeviceProfile {
  const node = JSON.parse(readFileSync(path.join(ROOT, 'device-profiles', 'amd-epyc-2c-wasm-plain-cnn.json'), 'utf8')) as DeviceProfile;
  return {
    ...node,
    status: 'partial',
    done: node.done.filter((d) => d !== 'end-to-end'),
    device: { ...node.device, runtime: 'browser', cpuModel: 'unknown (browser)', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0' },
    ...changes,
  };
}

/** The server's address for `route`, with the session token unless `token` says otherwise (null: none). */
function url(route: string, token: string | null = profiler.token): string {
  const base = new URL(profiler.url);
  return `${base.origin}${route}${token === null ? '' : `?token=${token}`}`;
}

async function session(): Promise<SessionInfo> {
  const r = await fetch(url('/api/session'));
  expect(r.status).toBe(200);
  return (await r.json()) as SessionInfo;
}

function post(route: string, body: unknown, token: string | null = profiler.token): Promise<Response> {
  return fetch(url(route, token), { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function refusal(r: Response): Promise<string> {
  return ((await r.json()) as { error: string }).error;
}

/** Sends a body in chunks without a content-length; resolves with the status (or the socket error). */
function chunkedPost(route: string, bytes: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request(url(route), { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (e) => resolve(String(e)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** The status of a GET over HTTPS trusting only `ca` (or the system's CAs), or the TLS error. */
function httpsStatus(address: string, ca: string | undefined): Promise<number | string> {
  return new Promise((resolve) => {
    https
      .get(address, ca === undefined ? {} : { ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', (e) => resolve(String(e)));
  });
}

beforeAll(async () => {
  await initBackend('cpu');
  profiler = await startBrowserProfiler({
    backends: ['wasm'],
    files: { wasm: file },
    model: { model: zooEntry('plain-cnn').build(), name: 'plain-cnn' },
    budgetSeconds: 30,
    limits: { maxBodyBytes: MAX_BODY },
  });
});

afterAll(async () => {
  await profiler.stop();
});

describe('the session token', () => {
  test('the printed URL carries it and opens the page, cross-origin isolated', async () => {
    expect(profiler.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const r = await fetch(profiler.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await r.text()).toContain(`/page.js?token=${profiler.token}`);
  });

  test.each([
    ['no token', null],
    ['a wrong token', 'x'.repeat(24)],
    ['a token one character short', 'SHORT'],
  ])('a request with %s is refused with 403', async (_name, token) => {
    const t = token === 'SHORT' ? profiler.token.slice(0, -1) : token;
    for (const route of ['/', '/page.js', '/api/session', '/wasm/tfjs-backend-wasm-simd.wasm', '/api/models/profile/model.json']) {
      const r = await fetch(url(route, t));
      expect(r.status).toBe(403);
      expect(await refusal(r)).toMatch(/session token/);
    }
    const p = await post('/api/checkpoint', { runner: 'r', backend: 'wasm', profile: browserProfile() }, t);
    expect(p.status).toBe(403);
    expect(existsSync(file)).toBe(false);
  });

  test('the token also works as a header', async () => {
    const r = await fetch(url('/api/session', null), { headers: { 'x-morphlat-token': profiler.token } });
    expect(r.status).toBe(200);
  });

  test('listening on every interface serves HTTPS to this machine\'s addresses, each URL with a fresh token', async () => {
    const open = await startBrowserProfiler({ backends: ['wasm'], files: { wasm: path.join(dir, 'lan', 'wasm.json') }, host: '0.0.0.0' });
    try {
      expect(open.loopback).toBe(false);
      expect(open.token).not.toBe(profiler.token);
      expect(open.urls.length).toBeGreaterThan(0);
      for (const u of open.urls) expect(u).toMatch(new RegExp(`^https://[^/]+/\\?token=${open.token}$`));
      const cert = new X509Certificate(open.certificate!.cert);
      expect(cert.fingerprint256).toBe(open.certificate!.fingerprint256);
      for (const u of open.urls) expect(cert.subjectAltName).toContain(`IP Address:${new URL(u).hostname}`);
      const port = new URL(open.url).port;
      expect(await httpsStatus(`https://127.0.0.1:${port}/`, open.certificate!.cert)).toBe(403);
      expect(await httpsStatus(`https://127.0.0.1:${port}/?token=${open.token}`, open.certificate!.cert)).toBe(200);
      expect(await httpsStatus(`https://127.0.0.1:${port}/?token=${open.token}`, undefined)).toMatch(/self-signed|certificate/);
    } finally {
      await open.stop();
    }
    expect(existsSync(path.join(dir, 'lan'))).toBe(false);
  });
});

describe('posted results', () => {
  test('only the session\'s resources are served', async () => {
    for (const route of ['/wasm/../../package.json', '/wasm/other.wasm', '/api/models/m9/model.json', '/api/models/../weights.bin', '/etc/passwd']) {
      expect((await fetch(url(route))).status).toBe(404);
    }
    expect((await fetch(url('/api/models/profile/weights.bin'))).status).toBe(200);
  });

  test.each([
    ['not JSON', '{"runner": "', 400, /not valid JSON/],
    ['a number that is not finite', '{"runner": "r", "backend": "wasm", "profile": {"x": 1e999}}', 400, /profile\.x: Infinity is not a finite number/],
    ['an unknown backend', { runner: 'R', backend: 'cuda', profile: {} }, 400, /backend/],
    ['an extra field', { runner: 'R', backend: 'wasm', profile: {}, path: '/etc/passwd' }, 400, /path|unrecognized/i],
    ['a profile failing the schema', { runner: 'R', profile: { schema: 'morphlat/device-profile@1', name: 3 }, backend: 'wasm' }, 400, /posted profile: field `name`/],
    ['a negative latency', { runner: 'R', backend: 'wasm', profile: 'NEGATIVE' }, 400, /samples.*must be > 0/],
  ])('a post with %s is refused and nothing is written', async (_name, body, status, message) => {
    const { runner } = await session();
    let payload: unknown = body;
    if (typeof body === 'object') {
      const b = body as { profile: unknown };
      const profile = b.profile === 'NEGATIVE' ? browserProfile() : b.profile;
      if (b.profile === 'NEGATIVE') {
        const op = profile as DeviceProfile;
        (op.ops[0]!.samples[0] as unknown as number[])[2] = -0.5;
      }
      payload = { ...body, runner, profile };
    }
    const r = await post('/api/checkpoint', payload);
    expect(r.status).toBe(status);
    expect(await refusal(r)).toMatch(message);
    expect(existsSync(file)).toBe(false);
  });

  test.each([
    ['of a profile measured in Node', (p: DeviceProfile) => ({ ...p, device: { ...p.device, runtime: 'node' as const } }), 400, /not measured in a browser/],
    ['of another model', (p: DeviceProfile) => ({ ...p, model: { name: 'plain-cnn', fingerprint: '0000000000000000' } }), 400, /model/],
    ['of another backend', (p: DeviceProfile) => ({ ...p, device: { ...p.device, backend: 'webgl' } }), 400, /backend `webgl`/],
    ['of another batch', (p: DeviceProfile) => ({ ...p, batch: 4 }), 400, /batch 4/],
  ])('a valid profile %s is refused and nothing is written', async (_name, change, status, message) => {
    const { runner } = await session();
    const r = await post('/api/checkpoint', { runner, backend: 'wasm', profile: change(browserProfile()) });
    expect(r.status).toBe(status);
    expect(await refusal(r)).toMatch(message);
    expect(existsSync(file)).toBe(false);
  });

  test('an oversized post is refused with 413 and nothing is written', async () => {
    const { runner } = await session();
    const profile = browserProfile({ name: 'x'.repeat(MAX_BODY + 10) });
    const r = await post('/api/checkpoint', { runner, backend: 'wasm', profile }).catch((e: unknown) => e);
    expect(r).toBeInstanceOf(Response);
    expect((r as Response).status).toBe(413);
    expect(await chunkedPost('/api/checkpoint', 4 * MAX_BODY)).toBe(413);
    expect(existsSync(file)).toBe(false);
  });

  test('a post that is not JSON by its content type is refused', async () => {
    const r = await fetch(url('/api/checkpoint'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(r.status).toBe(415);
  });

  test('a valid checkpoint is written to exactly --out; an older page and an older profile are refused', async () => {
    const first = await session();
    const profile = browserProfile();
    const accepted = await post('/api/checkpoint', { runner: first.runner, backend: 'wasm', profile });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ complete: false });
    const written = JSON.parse(readFileSync(file, 'utf8')) as DeviceProfile;
    expect(written.ops).toEqual(profile.ops);
    expect(written.device.runtime).toBe('browser');
    const stamp = statSync(file).mtimeMs;

    const second = await session();
    expect(second.backends[0]!.status).toBe('partial');
    expect(second.backends[0]!.profile?.done).toEqual(profile.done);
    const superseded = await post('/api/checkpoint', { runner: first.runner, backend: 'wasm', profile });
    expect(superseded.status).toBe(409);
    expect(await refusal(superseded)).toMatch(/superseded/);

    const older = await post('/api/checkpoint', { runner: second.runner, backend: 'wasm', profile: { ...profile, done: profile.done.slice(0, 1) } });
    expect(older.status).toBe(409);
    expect(await refusal(older)).toMatch(/older/);
    const otherBrowser = await post('/api/checkpoint', { runner: second.runner, backend: 'wasm', profile: { ...profile, device: { ...profile.device, userAgent: 'Firefox/130' } } });
    expect(otherBrowser.status).toBe(409);
    expect(await refusal(otherBrowser)).toMatch(/another browser/);
    expect(statSync(file).mtimeMs).toBe(stamp);
    expect(readdirSync(dir).sort()).toEqual(['out']);
    expect(readdirSync(outDir)).toEqual(['wasm.json']);
  });
});

describe('request rate', () => {
  test('a client over its rate is refused with 429', async () => {
    const limited = await startBrowserProfiler({ backends: ['wasm'], files: { wasm: path.join(dir, 'limited.json') }, limits: { rate: { perSecond: 0.01, burst: 5 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await fetch(limited.url)).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
    } finally {
      await limited.stop();
    }
  });
});
