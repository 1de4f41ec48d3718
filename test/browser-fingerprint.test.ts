import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, test } from 'vitest';
import { modelArtifacts } from '../profilers/browser/artifacts.js';
import { modelFingerprint } from '../profilers/run.js';
import { initBackend } from '../src/backends/index.js';
import { sha256Hex } from '../src/util/sha256.js';
import { ZOO } from '../src/zoo/index.js';
import * as tf from '@tensorflow/tfjs-core';
import { ROOT } from './helpers/cli.js';
import { tinyResidualModel } from './helpers/tiny-model.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('the browser-safe SHA-256 behind model fingerprints', () => {
  const lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4097];
  test.each(lengths)('equals node:crypto on %i bytes of text', (n) => {
    const text = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95))).join('');
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
  });

  test('hashes UTF-8 bytes, as node:crypto does', () => {
    for (const text of ['µs', 'ü', '日本語', '😀 emoji', '\u0000nul']) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  test('keeps the fingerprints of the committed device profiles', () => {
    const dir = path.join(ROOT, 'device-profiles');
    for (const entry of ZOO) {
      const file = path.join(dir, `amd-epyc-2c-wasm-${entry.name}.json`);
      const committed = JSON.parse(readFileSync(file, 'utf8')) as { model: { fingerprint: string } };
      const model = entry.build();
      expect(modelFingerprint(model)).toBe(committed.model.fingerprint);
      model.dispose();
    }
  });

  test('a model served to the page fingerprints as the original', async () => {
    for (const model of [tinyResidualModel(), ...ZOO.map((z) => z.build())]) {
      const served = await modelArtifacts(model);
      const json = JSON.parse(served.json) as tf.io.ModelJSON;
      const back = await tfl.loadLayersModel(
        tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: served.weights.buffer.slice(served.weights.byteOffset, served.weights.byteOffset + served.weights.byteLength) as ArrayBuffer }),
      );
      expect(modelFingerprint(back)).toBe(modelFingerprint(model));
      model.dispose();
      back.dispose();
    }
  });
});
