/** The sweep plan: which op signatures a generic profile times, and the channel points of each. */
import { describe, expect, test } from 'vitest';
import { channelPoints, genericSweepItems } from '../profilers/sweep.js';
import { initBackend } from '../src/backends/index.js';

await initBackend('cpu');

describe('generic sweep', () => {
  const items = genericSweepItems();
  const convs = items.filter((i) => i.geometry.kind === 'conv2d');

  test('times every generic conv on the 1 and 3 channels of a first layer, below its swept range', () => {
    expect(convs.length).toBeGreaterThan(20);
    for (const item of convs) {
      for (const count of [8, 30]) {
        const points = channelPoints(item, count, 5);
        const inputs = new Set(points.map(([aIn]) => aIn));
        expect(inputs.has(1), `${item.signature} (${count} points)`).toBe(true);
        expect(inputs.has(3), `${item.signature} (${count} points)`).toBe(true);
        expect(points.length).toBeLessThanOrEqual(count);
        expect(Math.max(...inputs), item.signature).toBe(item.maxIn);
        expect(points.filter(([aIn]) => aIn > 3).length, item.signature).toBeGreaterThan(count / 2);
      }
    }
  });

  test('ops other than convs keep their own ranges', () => {
    for (const item of items.filter((i) => i.geometry.kind !== 'conv2d')) {
      expect(item.imageInputs, item.signature).toBeUndefined();
    }
  });
});

describe('generic sweep of dense layers', () => {
  const items = genericSweepItems();

  test('each signature is swept once', () => {
    expect(new Set(items.map((i) => i.signature)).size).toBe(items.length);
  });

  test('a classifier head reading a flattened feature map is swept log-uniformly over its inputs', () => {
    const head = items.find((i) => i.geometry.kind === 'dense' && i.geometry.activation === 'softmax');
    expect(head?.maxIn).toBeGreaterThanOrEqual(3000);
    const points = channelPoints(head!, 40, 7);
    const inputs = points.map(([aIn]) => aIn);
    expect(Math.max(...inputs)).toBe(head!.maxIn);
    expect(Math.min(...inputs)).toBeLessThanOrEqual(head!.maxIn / 50);
    // Log-uniform: about a third of the points fall in each third of the span's logarithm.
    const narrow = inputs.filter((a) => a < head!.maxIn / 16).length;
    expect(narrow).toBeGreaterThanOrEqual(8);
    expect(points.every(([, aOut]) => aOut >= 1 && aOut <= head!.maxOut)).toBe(true);
  });
});
