/**
 * A terminal progress bar for training (cli-progress): steps done, epoch, loss and images per second.
 * The training library never prints; a command creates this reporter and hands its `onStep` to `train`.
 */
import cliProgress from 'cli-progress';
import type { StepInfo } from './train.js';

/** A progress display fed by `train`'s `onStep` callback. */
export interface TrainingProgress {
  readonly onStep: (info: StepInfo) => void;
  /** Draws the final state and releases the terminal line; safe to call more than once. */
  stop(): void;
}

/** Where and how to draw. */
export interface TrainingProgressOptions {
  /** Default process.stderr. */
  readonly stream?: NodeJS.WritableStream;
  /** Text before the bar (default 'train'). */
  readonly label?: string;
  /** Also draw (a line at a time) when the stream is not a terminal (default false: draw nothing there). */
  readonly drawWhenNotTTY?: boolean;
}

function payload(info: StepInfo): Record<string, string | number> {
  return {
    epoch: info.epoch + 1,
    loss: info.loss.toFixed(4),
    ips: Math.round(info.imagesPerSecond),
  };
}

/** A cli-progress bar that starts on the first step, sized by that step's `totalSteps`. */
export function trainingProgressBar(options: TrainingProgressOptions = {}): TrainingProgress {
  const bar = new cliProgress.SingleBar(
    {
      format:
        `${options.label ?? 'train'} |{bar}| {value}/{total} steps | epoch {epoch} | loss {loss} | ` +
        '{ips} img/s | ETA {eta_formatted}',
      stream: options.stream ?? process.stderr,
      noTTYOutput: options.drawWhenNotTTY ?? false,
      hideCursor: null,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    onStep(info) {
      if (stopped) return;
      if (!started) {
        bar.start(info.totalSteps, info.step, payload(info));
        started = true;
      } else {
        bar.update(info.step, payload(info));
      }
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
