/**
 * A terminal progress bar for shrinking (cli-progress): steps, loss, the regularizer's share of it, the
 * current cost (ms for latency) and alive channels, with an ETA. The shrink run never prints; the CLI
 * feeds this from `onProgress` and `onPhase`.
 */
import cliProgress from 'cli-progress';
import type { ShrinkProgress } from '../shrink/types.js';

/** A progress display fed by `shrink`'s callbacks. */
export interface ShrinkProgressBar {
  readonly onProgress: (p: ShrinkProgress) => void;
  readonly onPhase: (phase: string) => void;
  stop(): void;
}

function costText(p: ShrinkProgress): string {
  return p.unit === 'ms' ? `${p.cost.toFixed(3)} ms` : `${p.cost.toPrecision(4)} ${p.unit}`;
}

/** A bar over the shrinking steps; where standard error is not a terminal, a line every 10%. */
export function shrinkProgressBar(options: { stream?: NodeJS.WritableStream; interactive: boolean }): ShrinkProgressBar {
  const stream = options.stream ?? process.stderr;
  let started = false;
  let lastTenth = -1;
  const bar = new cliProgress.SingleBar(
    { format: 'shrink |{bar}| {value}/{total} steps | loss {loss} | reg {reg} | cost {cost} | alive {alive} | ETA {eta_formatted}', stream, hideCursor: null, etaBuffer: 100 },
    cliProgress.Presets.shades_classic,
  );
  const stop = (): void => {
    if (started) bar.stop();
    started = false;
  };
  return {
    onProgress(p) {
      const payload = { loss: p.loss.toFixed(4), reg: p.regularizer.toFixed(4), cost: costText(p), alive: `${p.alive}/${p.channels}` };
      if (!options.interactive) {
        const tenth = Math.floor((10 * p.step) / p.totalSteps);
        if (tenth !== lastTenth) stream.write(`shrink: step ${p.step}/${p.totalSteps} loss ${payload.loss} reg ${payload.reg} cost ${payload.cost} alive ${payload.alive}\n`);
        lastTenth = tenth;
        return;
      }
      if (!started) {
        bar.start(p.totalSteps, p.step, payload);
        started = true;
      } else bar.update(p.step, payload);
    },
    onPhase(phase) {
      stop();
      stream.write(`shrink: ${phase}\n`);
    },
    stop,
  };
}
