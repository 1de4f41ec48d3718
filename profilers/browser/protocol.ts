/**
 * What the profiling page and the server say to each other over HTTP: the session the page is handed
 * when it opens, and the posts it sends back (checkpoints, progress, end-to-end measurements, a
 * backend it cannot start or that failed). Shared by both sides; no Node or DOM code here.
 */
import type { ProfileProgress } from '../run.js';
import type { DeviceProfile } from '../../src/profile/schema.js';

/** The tfjs backends a browser page can profile. */
export const BROWSER_BACKENDS = ['webgl', 'webgpu', 'wasm'] as const;

export type BrowserBackendName = (typeof BROWSER_BACKENDS)[number];

/** The header (or `token` query parameter) every request carries. */
export const TOKEN_HEADER = 'x-morphlat-token';

/** The wasm binaries tfjs-backend-wasm loads, served from its package. */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/**
 * Where one backend of the session stands: not started, a partial profile (a reopened page resumes
 * it), complete, not available in this browser, or failed with an error.
 */
export type BackendStatus = 'pending' | 'partial' | 'complete' | 'unavailable' | 'failed';

export interface SessionBackend {
  readonly name: BrowserBackendName;
  readonly status: BackendStatus;
  /** The last checkpoint received (partial or complete), to resume from. */
  readonly profile: DeviceProfile | null;
  /** True once the session's end-to-end measurements of this backend arrived (or none were asked for). */
  readonly measured: boolean;
  /** Why the backend is unavailable or failed. */
  readonly reason?: string;
}

/** A model the server serves at `/api/models/<id>/model.json` and `/api/models/<id>/weights.bin`. */
export interface ServedModelRef {
  readonly id: string;
  readonly name: string;
}

/** What the page receives from `GET /api/session`; each such request makes the caller the runner. */
export interface SessionInfo {
  /** The id of this page as the session's runner: posts from an older page are refused. */
  readonly runner: string;
  readonly backends: readonly SessionBackend[];
  readonly budgetSeconds: number;
  readonly batch: number;
  readonly seed: number;
  /** The model to profile (its layers are swept), or null for a generic profile. */
  readonly model: (ServedModelRef & { readonly fingerprint: string }) | null;
  /** Networks to time end to end after each backend's profile (benchmarks), in this order. */
  readonly measure: readonly ServedModelRef[];
}

/** `POST /api/checkpoint`: the profile after a piece of work. */
export interface CheckpointPost {
  readonly runner: string;
  readonly backend: BrowserBackendName;
  readonly profile: DeviceProfile;
}

/** `POST /api/progress`: where the run stands, for the terminal's progress bar. */
export interface ProgressPost {
  readonly runner: string;
  readonly backend: BrowserBackendName;
  readonly progress: ProfileProgress;
}

/** `POST /api/unavailable`: this browser cannot run the backend (and why). */
export interface UnavailablePost {
  readonly runner: string;
  readonly backend: BrowserBackendName;
  readonly reason: string;
}

/** `POST /api/failed`: profiling the backend threw. */
export interface FailedPost {
  readonly runner: string;
  readonly backend: BrowserBackendName;
  readonly error: string;
}

/** One network's end-to-end latency, as `measureEndToEndMany` measured it in the page. */
export interface MeasuredNetwork {
  readonly id: string;
  readonly medianMs: number;
  readonly roundMediansMs: readonly number[];
  readonly spread: number;
  readonly runs: number;
}

/** `POST /api/measurement`: the session's networks timed end to end on a backend. */
export interface MeasurementPost {
  readonly runner: string;
  readonly backend: BrowserBackendName;
  readonly networks: readonly MeasuredNetwork[];
}

/** The server's answer to an accepted post. */
export interface PostReply {
  /** True when the whole session is done (the server then stops). */
  readonly complete: boolean;
}

/** The server's answer to a refused request. */
export interface RefusalReply {
  readonly error: string;
}
