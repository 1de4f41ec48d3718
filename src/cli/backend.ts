/** The backend a CLI command runs on when it only builds or reads models (no timing): cpu. */
import { initBackend } from '../backends/index.js';

/** Activates the cpu backend, which needs no device, for commands that only read models. */
export async function useQuietBackend(): Promise<void> {
  await initBackend('cpu');
}
