/** Seeded integers for sweeps and variants, on the project's one seeded generator. */
import type { Random } from '../src/util/random.js';

export { mulberry32 as seededRandom } from '../src/util/random.js';

/** A uniform integer in [lo, hi]. */
export function randomInt(rand: Random, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}
