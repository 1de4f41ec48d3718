/**
 * Progress of a compare run on the terminal: a shrink progress bar per device being shrunk (cli-progress,
 * with ETA), then a line per phase: retraining, measuring a device, a device that cannot be measured here.
 */
import type { CompareProgress } from '../compare/types.js';
import { shrinkProgressBar } from './shrink-progress.js';
import type { ShrinkProgressBar } from './shrink-progress.js';

/** A progress display fed by `compareArchitectures`'s `onProgress`. */
export interface CompareProgressDisplay {
  readonly onProgress: (p: CompareProgress) => void;
  stop(): void;
}

/** Progress on `stream` (standard error by default); bars only where it is a terminal. */
export function compareProgressDisplay(options: { stream?: NodeJS.WritableStream; interactive: boolean }): CompareProgressDisplay {
  const stream = options.stream ?? process.stderr;
  let bar: ShrinkProgressBar | undefined;
  let device: string | undefined;
  let lastRetrainTenth = -1;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const shrinkBar = (name: string): ShrinkProgressBar => {
    if (bar === undefined) {
      stream.write(`compare: shrinking for ${name}\n`);
      bar = shrinkProgressBar({ stream, interactive: options.interactive });
    }
    return bar;
  };
  return {
    onProgress(p) {
      if (p.device !== device) {
        stop();
        device = p.device;
        lastRetrainTenth = -1;
      }
      switch (p.phase) {
        case 'shrinking':
          shrinkBar(p.device).onProgress(p.step);
          return;
        case 'shrink-phase':
          shrinkBar(p.device).onPhase(p.name);
          return;
        case 'retraining': {
          stop();
          const tenth = Math.floor((10 * p.step) / Math.max(1, p.totalSteps));
          if (tenth !== lastRetrainTenth) stream.write(`compare: retraining the architecture for ${p.device}: step ${p.step}/${p.totalSteps}\n`);
          lastRetrainTenth = tenth;
          return;
        }
        case 'measuring':
          stop();
          stream.write(`compare: measuring ${p.models} models end to end on ${p.backend} for ${p.device}\n`);
          return;
        case 'not-measured':
          stop();
          stream.write(`compare: not measuring ${p.device} here: ${p.reason}\n`);
          return;
      }
    },
    stop,
  };
}
