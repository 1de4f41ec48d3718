import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { trainingProgressBar } from '../src/train/progress.js';
import type { StepInfo } from '../src/train/train.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function step(step: number, loss: number, imagesPerSecond: number): StepInfo {
  return { step, epoch: Math.floor((step - 1) / 5), totalSteps: 10, stepsPerEpoch: 5, batchSize: 32, loss, dataLoss: loss, imagesPerSecond, elapsedSeconds: step };
}

describe('trainingProgressBar', () => {
  test('draws steps, epoch, loss and images per second', () => {
    const out = sink();
    const progress = trainingProgressBar({ stream: out.stream, label: 'fit', drawWhenNotTTY: true });
    for (let s = 1; s <= 7; s++) progress.onStep(step(s, 2 / s, 1000 + s));
    progress.stop();
    progress.stop();
    const last = out.text().trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^fit \|/);
    expect(last).toContain('7/10 steps');
    expect(last).toContain('epoch 2');
    expect(last).toContain(`loss ${(2 / 7).toFixed(4)}`);
    expect(last).toContain('1007 img/s');
  });

  test('draws nothing on a stream that is not a terminal unless asked', () => {
    const out = sink();
    const progress = trainingProgressBar({ stream: out.stream });
    progress.onStep(step(1, 1, 10));
    progress.stop();
    expect(out.text()).toBe('');
  });
});
