/**
 * What the server accepts from a page: a JSON body within size limits whose every number is finite,
 * shaped as one of the protocol's posts, with a profile that passes the device-profile schema (which
 * requires every time to be positive). Each check gives a verdict value, never a throw.
 */
import { z } from 'zod';
import { isMorphlatError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/io.js';
import type { DeviceProfile } from '../../src/profile/schema.js';
import type { CheckpointPost, FailedPost, MeasurementPost, ProgressPost, UnavailablePost } from './protocol.js';
import { BROWSER_BACKENDS } from './protocol.js';

/** Accepted with a value, or refused with an HTTP status and a message naming what is wrong. */
export type Verdict<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: number; readonly error: string };

/** Accepts `value`. */
export const accept = <T>(value: T): Verdict<T> => ({ ok: true, value });

/** Refuses with `status` and `error`. */
export const refuse = <T>(status: number, error: string): Verdict<T> => ({ ok: false, status, error });

/** Bounds on a posted JSON value beyond the body size. */
export interface JsonLimits {
  readonly maxDepth: number;
  readonly maxArrayLength: number;
  readonly maxStringLength: number;
}

export const JSON_LIMITS: JsonLimits = { maxDepth: 32, maxArrayLength: 100_000, maxStringLength: 20_000 };

/** The first problem with a parsed JSON value (a number that is not finite, too deep, too long), or undefined. */
export function jsonProblem(value: unknown, limits: JsonLimits = JSON_LIMITS, at = '(root)', depth = 0): string | undefined {
  if (depth > limits.maxDepth) return `${at}: nested deeper than ${limits.maxDepth}`;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at}: ${value} is not a finite number`;
  if (typeof value === 'string') return value.length > limits.maxStringLength ? `${at}: string longer than ${limits.maxStringLength}` : undefined;
  if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) return `${at}: array longer than ${limits.maxArrayLength}`;
    for (const [i, item] of value.entries()) {
      const problem = jsonProblem(item, limits, `${at}[${i}]`, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const problem = jsonProblem(item, limits, at === '(root)' ? key : `${at}.${key}`, depth + 1);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/** Parses a request body as JSON and checks its values. */
export function parseJsonBody(text: string): Verdict<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return refuse(400, `the body is not valid JSON (${(e as Error).message})`);
  }
  const problem = jsonProblem(json);
  return problem === undefined ? accept(json) : refuse(400, problem);
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((x) => x > 0, 'must be > 0');
const nonNegative = finite.refine((x) => x >= 0, 'must be ≥ 0');
const runner = z.string().min(1).max(64);
const backend = z.enum(BROWSER_BACKENDS);

const CheckpointEnvelope = z.object({ runner, backend, profile: z.unknown() }).strict();

const ProgressPostSchema = z
  .object({
    runner,
    backend,
    progress: z.object({ phase: z.enum(['roofline', 'sweep', 'end-to-end', 'fit', 'done']), detail: z.string().max(500), spentMs: nonNegative, budgetMs: positive }).strict(),
  })
  .strict();

const UnavailablePostSchema = z.object({ runner, backend, reason: z.string().max(2000) }).strict();

const FailedPostSchema = z.object({ runner, backend, error: z.string().max(4000) }).strict();

const MeasurementPostSchema = z
  .object({
    runner,
    backend,
    networks: z
      .array(z.object({ id: z.string().min(1).max(64), medianMs: positive, roundMediansMs: z.array(positive).max(10_000), spread: nonNegative, runs: z.number().int().positive() }).strict())
      .max(1000),
  })
  .strict();

function shaped<T>(schema: z.ZodType<T>, json: unknown, what: string): Verdict<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return accept(parsed.data);
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
  return refuse(400, `${what}: field \`${field}\`: ${issue?.message ?? 'invalid'}`);
}

/** A checkpoint post whose profile passes the device-profile schema. */
export function checkpointPost(json: unknown): Verdict<CheckpointPost> {
  const envelope = shaped(CheckpointEnvelope, json, 'checkpoint');
  if (!envelope.ok) return envelope;
  let profile: DeviceProfile;
  try {
    profile = parseProfile(envelope.value.profile, 'posted profile');
  } catch (e) {
    if (isMorphlatError(e)) return refuse(400, e.message);
    throw e;
  }
  return accept({ runner: envelope.value.runner, backend: envelope.value.backend, profile });
}

export const progressPost = (json: unknown): Verdict<ProgressPost> => shaped(ProgressPostSchema, json, 'progress');
export const unavailablePost = (json: unknown): Verdict<UnavailablePost> => shaped(UnavailablePostSchema, json, 'unavailable');
export const failedPost = (json: unknown): Verdict<FailedPost> => shaped(FailedPostSchema, json, 'failed');
export const measurementPost = (json: unknown): Verdict<MeasurementPost> => shaped(MeasurementPostSchema, json, 'measurement');
