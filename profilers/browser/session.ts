/**
 * A browser profiling session: which backends are pending, partial, complete, unavailable or failed,
 * the latest profile of each (written atomically to its file on every accepted checkpoint), and which
 * page is the runner. The page that opened the session last is the runner: a reopened tab takes over
 * and resumes, and posts from an older tab are refused. A checkpoint is accepted only when it belongs
 * to this session (backend, model, batch, device) and keeps every piece of work already done.
 */
import { randomUUID } from 'node:crypto';
import { deviceMismatch } from '../../src/backends/same-device.js';
import { writeProfile } from '../../src/profile/io.js';
import type { DeviceProfile } from '../../src/profile/schema.js';
import type { ProfileProgress } from '../run.js';
import type {
  BackendStatus,
  BrowserBackendName,
  CheckpointPost,
  FailedPost,
  MeasuredNetwork,
  MeasurementPost,
  PostReply,
  ProgressPost,
  ServedModelRef,
  SessionBackend,
  SessionInfo,
  UnavailablePost,
} from './protocol.js';
import { accept, refuse } from './validate.js';
import type { Verdict } from './validate.js';

/** Something that happened in the session, for the terminal. */
export type SessionEvent =
  | { readonly kind: 'connected'; readonly runner: string; readonly userAgent: string }
  | { readonly kind: 'progress'; readonly backend: BrowserBackendName; readonly progress: ProfileProgress }
  | { readonly kind: 'checkpoint'; readonly backend: BrowserBackendName; readonly profile: DeviceProfile; readonly file: string }
  | { readonly kind: 'unavailable'; readonly backend: BrowserBackendName; readonly reason: string }
  | { readonly kind: 'failed'; readonly backend: BrowserBackendName; readonly error: string }
  | { readonly kind: 'measured'; readonly backend: BrowserBackendName; readonly networks: readonly MeasuredNetwork[] }
  | { readonly kind: 'complete' };

/** What a session profiles and where each backend's profile goes. */
export interface SessionPlan {
  readonly backends: readonly BrowserBackendName[];
  /** The profile file of each backend: the only files the session writes. */
  readonly files: Readonly<Partial<Record<BrowserBackendName, string>>>;
  readonly budgetSeconds: number;
  readonly batch: number;
  readonly seed: number;
  readonly model: (ServedModelRef & { readonly fingerprint: string }) | null;
  readonly measure: readonly ServedModelRef[];
  /** Profiles from an earlier session to continue (partial) or keep (complete). */
  readonly resume?: Readonly<Partial<Record<BrowserBackendName, DeviceProfile>>>;
}

/** One backend's result. */
export interface BackendOutcome {
  readonly name: BrowserBackendName;
  readonly status: BackendStatus;
  readonly file: string;
  /** The last profile written to `file` (null when nothing was). */
  readonly profile: DeviceProfile | null;
  readonly reason?: string;
  readonly networks?: readonly MeasuredNetwork[];
}

interface State {
  status: BackendStatus;
  profile: DeviceProfile | null;
  written: boolean;
  reason?: string;
  networks?: readonly MeasuredNetwork[];
}

const isSubset = (a: readonly string[], b: readonly string[]): boolean => a.every((x) => b.includes(x));

/** The state of one browser profiling session. */
export class BrowserSession {
  private readonly states = new Map<BrowserBackendName, State>();
  private runner: string | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private finished = false;

  constructor(
    readonly plan: SessionPlan,
    private readonly onEvent: (e: SessionEvent) => void = () => {},
  ) {
    for (const name of plan.backends) {
      const resumed = plan.resume?.[name];
      this.states.set(name, {
        status: resumed === undefined ? 'pending' : resumed.status,
        profile: resumed ?? null,
        written: resumed !== undefined,
      });
    }
  }

  /** True once every backend is complete (and measured), unavailable or failed. */
  get complete(): boolean {
    return [...this.states.values()].every((s) => s.status === 'unavailable' || s.status === 'failed' || (s.status === 'complete' && this.measured(s)));
  }

  /** Each backend's result so far. */
  outcomes(): BackendOutcome[] {
    return this.plan.backends.map((name) => {
      const s = this.state(name);
      return {
        name,
        status: s.status,
        file: this.file(name),
        profile: s.written ? s.profile : null,
        ...(s.reason === undefined ? {} : { reason: s.reason }),
        ...(s.networks === undefined ? {} : { networks: s.networks }),
      };
    });
  }

  /** A page opened the session: it becomes the runner and gets the session. */
  open(userAgent: string): SessionInfo {
    const runner = randomUUID();
    this.runner = runner;
    this.onEvent({ kind: 'connected', runner, userAgent });
    return {
      runner,
      backends: this.plan.backends.map((name): SessionBackend => {
        const s = this.state(name);
        return { name, status: s.status, profile: s.profile, measured: this.measured(s), ...(s.reason === undefined ? {} : { reason: s.reason }) };
      }),
      budgetSeconds: this.plan.budgetSeconds,
      batch: this.plan.batch,
      seed: this.plan.seed,
      model: this.plan.model,
      measure: this.plan.measure,
    };
  }

  /** A checkpoint: written to the backend's file when it belongs to this session and loses nothing. */
  async checkpoint(post: CheckpointPost): Promise<Verdict<PostReply>> {
    const refused = this.gate(post.runner, post.backend);
    if (refused !== undefined) return refused;
    const s = this.state(post.backend);
    const p = post.profile;
    const plan = this.plan;
    if (s.status === 'complete') return refuse(409, `the ${post.backend} profile is already complete`);
    if (s.status === 'unavailable' || s.status === 'failed') return refuse(409, `the ${post.backend} backend was reported ${s.status}`);
    if (p.device.backend !== post.backend) return refuse(400, `the posted profile is of backend \`${p.device.backend}\`, not \`${post.backend}\``);
    if (p.device.runtime !== 'browser') return refuse(400, 'the posted profile was not measured in a browser (`device.runtime`)');
    if (p.batch !== plan.batch) return refuse(400, `the posted profile has batch ${p.batch}; this session profiles batch ${plan.batch}`);
    const wanted = plan.model === null ? null : { name: plan.model.name, fingerprint: plan.model.fingerprint };
    if ((p.model?.fingerprint ?? null) !== (wanted?.fingerprint ?? null) || (p.model?.name ?? null) !== (wanted?.name ?? null)) {
      return refuse(400, `the posted profile is of model ${JSON.stringify(p.model)}; this session profiles ${JSON.stringify(wanted)}`);
    }
    const before = s.profile;
    if (before !== null) {
      const other = deviceMismatch(before.device, p.device) ?? (before.device.userAgent !== p.device.userAgent ? 'the profile was started in another browser' : undefined);
      if (other !== undefined) return refuse(409, `the ${post.backend} profile was started on another device: ${other}`);
      if (!isSubset(before.done, p.done)) return refuse(409, `the posted ${post.backend} profile is older than the one already received (it lacks work already done)`);
    }
    const file = this.file(post.backend);
    const write = this.writes.then(() => writeProfile(file, p));
    this.writes = write.catch(() => undefined);
    await write;
    s.profile = p;
    s.written = true;
    s.status = p.status;
    this.onEvent({ kind: 'checkpoint', backend: post.backend, profile: p, file });
    return accept(this.reply());
  }

  progress(post: ProgressPost): Verdict<PostReply> {
    const refused = this.gate(post.runner, post.backend);
    if (refused !== undefined) return refused;
    this.onEvent({ kind: 'progress', backend: post.backend, progress: post.progress });
    return accept(this.reply());
  }

  unavailable(post: UnavailablePost): Verdict<PostReply> {
    const refused = this.gate(post.runner, post.backend);
    if (refused !== undefined) return refused;
    const s = this.state(post.backend);
    if (s.profile !== null) return refuse(409, `the ${post.backend} backend already sent measurements from this session`);
    s.status = 'unavailable';
    s.reason = post.reason;
    this.onEvent({ kind: 'unavailable', backend: post.backend, reason: post.reason });
    return accept(this.reply());
  }

  failed(post: FailedPost): Verdict<PostReply> {
    const refused = this.gate(post.runner, post.backend);
    if (refused !== undefined) return refused;
    const s = this.state(post.backend);
    if (s.status === 'complete' && this.measured(s)) return refuse(409, `the ${post.backend} backend is already complete`);
    s.status = 'failed';
    s.reason = post.error;
    this.onEvent({ kind: 'failed', backend: post.backend, error: post.error });
    return accept(this.reply());
  }

  measurement(post: MeasurementPost): Verdict<PostReply> {
    const refused = this.gate(post.runner, post.backend);
    if (refused !== undefined) return refused;
    const s = this.state(post.backend);
    if (s.status !== 'complete') return refuse(409, `end-to-end measurements of ${post.backend} come after its complete profile`);
    const ids = this.plan.measure.map((m) => m.id);
    if (post.networks.length !== ids.length || post.networks.some((n, i) => n.id !== ids[i])) {
      return refuse(400, `the measurements must be of networks ${ids.join(', ')} in that order`);
    }
    s.networks = post.networks;
    this.onEvent({ kind: 'measured', backend: post.backend, networks: post.networks });
    return accept(this.reply());
  }

  /** Waits for the writes in flight. */
  async flushed(): Promise<void> {
    await this.writes;
  }

  private gate(runner: string, backend: BrowserBackendName): Verdict<PostReply> | undefined {
    if (this.runner === undefined || runner !== this.runner) return refuse(409, 'superseded: another page took this session over (or this page never opened it)');
    if (!this.states.has(backend)) return refuse(400, `this session does not profile backend \`${backend}\` (it profiles ${this.plan.backends.join(', ')})`);
    if (this.finished) return refuse(409, 'the session is complete');
    return undefined;
  }

  private reply(): PostReply {
    const complete = this.complete;
    if (complete && !this.finished) {
      this.finished = true;
      this.onEvent({ kind: 'complete' });
    }
    return { complete };
  }

  private measured(s: State): boolean {
    return this.plan.measure.length === 0 || s.networks !== undefined;
  }

  private state(name: BrowserBackendName): State {
    const s = this.states.get(name);
    if (s === undefined) throw new Error(`no state for backend ${name}`);
    return s;
  }

  private file(name: BrowserBackendName): string {
    const file = this.plan.files[name];
    if (file === undefined) throw new Error(`no profile file for backend ${name}`);
    return file;
  }
}
