/**
 * A terminal progress bar for profiling (cli-progress): the budget spent so far, the phase and what is
 * being timed, with the time left. The profiler never prints; the CLI feeds this from `onProgress`.
 */
import cliProgress from 'cli-progress';
import type { ProfileProgress } from '../../profilers/run.js';

/** A progress display fed by `runProfile`'s `onProgress` callback. */
export interface ProfileProgressBar {
  readonly onProgress: (p: ProfileProgress) => void;
  stop(): void;
}

/** A bar over the time budget; where standard error is not a terminal, one line per phase change. */
export function profileProgressBar(options: { stream?: NodeJS.WritableStream; interactive: boolean }): ProfileProgressBar {
  const stream = options.stream ?? process.stderr;
  if (!options.interactive) {
    let last = '';
    return {
      onProgress(p) {
        if (p.phase === last) return;
        last = p.phase;
        stream.write(`profile: ${p.phase} (${(p.spentMs / 1000).toFixed(0)}/${(p.budgetMs / 1000).toFixed(0)} s) ${p.detail}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'profile |{bar}| {spent}/{budget} s | ETA {eta}s | {phase}: {detail}', stream, hideCursor: null },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(p) {
      const payload = {
        spent: Math.round(p.spentMs / 1000),
        budget: Math.round(p.budgetMs / 1000),
        eta: Math.max(0, Math.round((p.budgetMs - p.spentMs) / 1000)),
        phase: p.phase,
        detail: p.detail.slice(0, 48),
      };
      const value = Math.min(p.spentMs, p.budgetMs);
      if (!started) {
        bar.start(p.budgetMs, value, payload);
        started = true;
      } else bar.update(p.phase === 'done' ? p.budgetMs : value, payload);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
