/** Reading (validated) and writing (atomic) device profiles: the only place that touches the file. */
import { promises as fs } from 'node:fs';
import { ProfileError } from '../errors.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { DeviceProfileSchema, PROFILE_SCHEMA } from './schema.js';
import type { DeviceProfile } from './schema.js';

/** Validates a parsed profile; ProfileError names the first bad field. */
export function parseProfile(json: unknown, source = 'profile'): DeviceProfile {
  if (typeof json === 'object' && json !== null && 'schema' in json) {
    const tag = (json as { schema: unknown }).schema;
    if (tag !== PROFILE_SCHEMA) {
      throw new ProfileError(`${source}: \`schema\` is ${JSON.stringify(tag)}; this morphlat reads ${PROFILE_SCHEMA}`);
    }
  }
  const parsed = DeviceProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    throw new ProfileError(`${source}: field \`${field}\`: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * Reads and validates a profile. With `backend`, a profile of another backend raises ProfileError.
 */
export async function readProfile(file: string, options: { backend?: string } = {}): Promise<DeviceProfile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProfileError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${String(e)})`}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`${file}: not valid JSON (${(e as Error).message}); the file may be truncated`, { cause: e });
  }
  const profile = parseProfile(json, file);
  if (options.backend !== undefined && profile.device.backend !== options.backend) {
    throw new ProfileError(`${file}: profile is for backend \`${profile.device.backend}\`, not \`${options.backend}\``);
  }
  return profile;
}

/** Validates and writes a profile atomically (temporary file, then rename). */
export async function writeProfile(file: string, profile: DeviceProfile): Promise<void> {
  await writeJsonAtomic(file, parseProfile(profile, file));
}
