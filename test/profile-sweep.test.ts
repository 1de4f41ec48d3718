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
