/** The sweep plan: which op signatures a generic profile times, and the channel points of each. */
import { describe, expect, test } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { channelPoints, genericSweepItems, modelSweepItems } from '../profilers/sweep.js';
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

describe('model sweep past the model\'s widths', () => {
  // A first conv on the image's one channel, a 1x1 conv, and logits: every signature distinct.
  const input = tfl.input({ shape: [14, 14, 1] });
  let x = tfl.layers.conv2d({ filters: 9, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'first' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'act' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 16, kernelSize: 1, padding: 'same', useBias: false, name: 'wide' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 10, name: 'logits' }).apply(x) as tfl.SymbolicTensor });
  const range = (items: ReturnType<typeof modelSweepItems>, layer: string): [number, number] => {
    const item = items.find((i) => i.layers.includes(layer));
    return [item?.maxIn ?? -1, item?.maxOut ?? -1];
  };

  test('by default each layer is swept up to the model\'s own widths', () => {
    const items = modelSweepItems(model);
    expect(range(items, 'first')).toEqual([1, 9]);
    expect(range(items, 'act')).toEqual([9, 9]);
    expect(range(items, 'wide')).toEqual([9, 16]);
    expect(range(items, 'logits')).toEqual([16, 10]);
  });

  test('with a headroom, every axis a structure can widen reaches past them, to a multiple of 4; the image\'s channels and the logits stay', () => {
    const items = modelSweepItems(model, { headroom: 1.25 });
    expect(range(items, 'first')).toEqual([1, 12]);
    expect(range(items, 'act')).toEqual([12, 12]);
    expect(range(items, 'wide')).toEqual([12, 20]);
    expect(range(items, 'logits')).toEqual([20, 10]);
    for (const item of items) {
      for (const [aIn, aOut] of channelPoints(item, 12, 3)) {
        expect(aIn, item.signature).toBeLessThanOrEqual(item.maxIn);
        expect(aOut, item.signature).toBeLessThanOrEqual(item.maxOut);
      }
    }
    const wide = items.find((i) => i.layers.includes('wide'))!;
    expect(channelPoints(wide, 12, 3).some(([, aOut]) => aOut > 16)).toBe(true);
  });
});
