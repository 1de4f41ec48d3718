/**
 * `morphlat cost` as a child process: the JSON report, the targets and their units, `--structure` and
 * `--batch`. Expected numbers come from the tfjs model's own layers (kernel sizes, output shapes) and
 * the formulas.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { zooEntry } from '../src/zoo/index.js';
import { costJson, ensureBuilt, runCli } from './helpers/cli.js';
import type { CliResult, CostJson } from './helpers/cli.js';
import { relClose, useCpu } from './helpers/tf.js';

let tmp: string;
let model: tfl.LayersModel;
const reports: Record<string, CostJson> = {};
let text: CliResult;

/** FLOPs of a layer from tfjs alone: 2·H_out·W_out·|kernel| for convs, 2·|kernel| for Dense, else 0. */
function layerFlops(layer: tfl.layers.Layer): number {
  const cls = layer.getClassName();
  if (cls !== 'Conv2D' && cls !== 'DepthwiseConv2D' && cls !== 'Dense') return 0;
  const kernel = layer.getWeights()[0];
  if (kernel === undefined) throw new Error(`${layer.name} has no kernel`);
  const out = (layer.outputShape as number[]).slice(1, -1).reduce((a, b) => a * b, 1);
  return 2 * out * kernel.size;
}

/** Weights of a layer's kernel (no bias, no BN parameters) for convs and Dense, else 0. */
function layerKernelSize(layer: tfl.layers.Layer): number {
  const cls = layer.getClassName();
  if (cls !== 'Conv2D' && cls !== 'DepthwiseConv2D' && cls !== 'Dense') return 0;
  return layer.getWeights()[0]?.size ?? 0;
}

beforeAll(async () => {
  ensureBuilt();
  await useCpu();
  model = zooEntry('resnet-mini').build();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-cli-cost-'));
  const structure = path.join(tmp, 'alive.json');
  await fs.writeFile(structure, JSON.stringify({ stem: 8, s1b1_conv2: 4 }));
  const runs: Record<string, string[]> = {
    flops: ['--model', 'resnet-mini'],
    size: ['--model', 'resnet-mini', '--target', 'size'],
    memory: ['--model', 'resnet-mini', '--target', 'memory'],
    v100: ['--model', 'resnet-mini', '--target', 'roofline:V100'],
    structure: ['--model', 'resnet-mini', '--structure', structure],
    structureMemory: ['--model', 'resnet-mini', '--target', 'memory', '--structure', structure],
    batch32: ['--model', 'resnet-mini', '--batch', '32'],
  };
  const [results, plain] = await Promise.all([
    Promise.all(Object.entries(runs).map(async ([k, args]) => [k, await costJson(args)] as const)),
    runCli(['cost', '--model', 'resnet-mini']),
  ]);
  for (const [k, r] of results) reports[k] = r;
  text = plain;
});

afterAll(async () => {
  if (tmp !== undefined) await fs.rm(tmp, { recursive: true, force: true });
});

function report(key: string): CostJson {
  const r = reports[key];
  if (r === undefined) throw new Error(`no report ${key}`);
  return r;
}

function row(key: string, name: string): CostJson['layers'][number] {
  const r = report(key).layers.find((l) => l.name === name);
  if (r === undefined) throw new Error(`no layer ${name} in ${key}`);
  return r;
}

describe('morphlat cost --model resnet-mini --json', () => {
  test('prints { target, unit, total, layers } with one row per tfjs layer', () => {
    const r = report('flops');
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['layers', 'target', 'total', 'unit']));
    expect(r.target).toBe('flops');
    expect(r.unit).toBe('FLOPs');
    expect(r.layers.map((l) => l.name).sort()).toEqual(model.layers.map((l) => l.name).sort());
    for (const l of r.layers) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(['aliveIn', 'aliveOut', 'cost', 'name', 'op']));
      for (const k of ['aliveIn', 'aliveOut', 'cost'] as const) expect(Number.isFinite(l[k]), `${l.name}.${k}`).toBe(true);
      expect(l.op).toBe(model.getLayer(l.name).getClassName());
    }
  });

  test('total is the sum of the layer costs', () => {
    for (const key of Object.keys(reports)) {
      const r = report(key);
      expect(relClose(r.total, r.layers.reduce((s, l) => s + l.cost, 0), 1e-12), key).toBe(true);
    }
  });

  test('with no structure every channel is alive', () => {
    for (const l of report('flops').layers) {
      const shape = model.getLayer(l.name).outputShape as number[];
      expect(l.aliveOut, l.name).toBe(shape[shape.length - 1]);
    }
    expect(row('flops', 'input')).toMatchObject({ aliveOut: 1 });
    expect(row('flops', 's2b1_conv1')).toMatchObject({ aliveIn: 16, aliveOut: 32 });
    expect(row('flops', 'logits')).toMatchObject({ aliveIn: 64, aliveOut: 10 });
  });

  test('FLOPs per conv/dense layer and in total match the tfjs layers', () => {
    for (const layer of model.layers) {
      const expected = layerFlops(layer);
      if (expected > 0) expect(row('flops', layer.name).cost, layer.name).toBe(expected);
    }
    expect(report('flops').total).toBe(model.layers.reduce((s, l) => s + layerFlops(l), 0));
    // by hand: stem 2·28·28·9·1·16, s2b1_conv1 2·14·14·9·16·32, logits 2·64·10
    expect(row('flops', 'stem').cost).toBe(2 * 28 * 28 * 9 * 16);
    expect(row('flops', 's2b1_conv1').cost).toBe(2 * 14 * 14 * 9 * 16 * 32);
    expect(row('flops', 'logits').cost).toBe(2 * 64 * 10);
  });

  test('the table output lists every layer and the total', () => {
    expect(text.code).toBe(0);
    for (const layer of model.layers) expect(text.stdout).toContain(layer.name);
    expect(text.stdout).toMatch(/total/);
  });
});

describe('targets and units', () => {
  test('--target size counts kernel weights in "weights"', () => {
    const r = report('size');
    expect(r.target).toBe('size');
    expect(r.unit).toBe('weights');
    expect(r.total).toBe(model.layers.reduce((s, l) => s + layerKernelSize(l), 0));
    expect(row('size', 's1b1_conv1').cost).toBe(3 * 3 * 16 * 16);
    expect(row('size', 'stem_bn').cost).toBe(0);
  });

  test('--target memory counts bytes', () => {
    const r = report('memory');
    expect(r.target).toBe('memory');
    expect(r.unit).toBe('bytes');
    // stem: 4·(28·28·1 + 3·3·1·16 + 28·28·16)
    expect(row('memory', 'stem').cost).toBe(4 * (784 + 144 + 784 * 16));
    // BN and ReLU move their input and output maps
    expect(row('memory', 'stem_bn').cost).toBe(4 * 2 * 784 * 16);
    expect(row('memory', 'stem_relu').cost).toBe(4 * 2 * 784 * 16);
    // Add reads both inputs and writes its output
    expect(row('memory', 's1b1_add').cost).toBe(4 * 3 * 784 * 16);
    // logits: 4·(64 + 64·10 + 10)
    expect(row('memory', 'logits').cost).toBe(4 * (64 + 640 + 10));
  });

  test('--target roofline:V100 is max(FLOPs/125 TFLOP/s, bytes/900 GB/s) per layer, in ms', () => {
    const r = report('v100');
    expect(r.target).toBe('roofline:V100');
    expect(r.unit).toBe('ms');
    r.layers.forEach((l, i) => {
      const flops = report('flops').layers[i];
      const bytes = report('memory').layers[i];
      expect(flops?.name).toBe(l.name);
      expect(bytes?.name).toBe(l.name);
      const expected = Math.max(((flops?.cost ?? NaN) / 125000e9) * 1e3, ((bytes?.cost ?? NaN) / 900e9) * 1e3);
      expect(relClose(l.cost, expected, 1e-9), `${l.name}: ${l.cost} vs ${expected}`).toBe(true);
    });
  });
});

describe('--structure and --batch', () => {
  test('a structure file sets alive counts that flow downstream', () => {
    expect(row('structure', 'stem')).toMatchObject({ aliveIn: 1, aliveOut: 8 });
    expect(row('structure', 'stem_relu')).toMatchObject({ aliveIn: 8, aliveOut: 8 });
    expect(row('structure', 's1b1_conv1')).toMatchObject({ aliveIn: 8, aliveOut: 16 });
    expect(row('structure', 's1b1_conv2')).toMatchObject({ aliveIn: 16, aliveOut: 4 });
    // Add of 4 (conv2) and 8 (stem shortcut) keeps 8
    expect(row('structure', 's1b1_add')).toMatchObject({ aliveIn: 8, aliveOut: 8 });
    expect(row('structure', 's2b1_conv1')).toMatchObject({ aliveIn: 8, aliveOut: 32 });
    expect(row('structure', 's2b1_proj')).toMatchObject({ aliveIn: 8, aliveOut: 32 });
    expect(row('structure', 's2b2_conv1')).toMatchObject({ aliveIn: 32, aliveOut: 32 });
  });

  test('and reduces the cost by exactly the shrunk layers\' share', () => {
    const full = report('flops');
    const shrunk = report('structure');
    const saved =
      2 * 784 * 9 * 1 * (16 - 8) + // stem: 16 → 8 outputs
      2 * 784 * 9 * (16 - 8) * 16 + // s1b1_conv1: 16 → 8 inputs
      2 * 784 * 9 * 16 * (16 - 4) + // s1b1_conv2: 16 → 4 outputs
      2 * 196 * 9 * (16 - 8) * 32 + // s2b1_conv1: 16 → 8 inputs
      2 * 196 * 1 * (16 - 8) * 32; // s2b1_proj: 16 → 8 inputs
    expect(shrunk.total).toBe(full.total - saved);
    expect(report('structureMemory').total).toBeLessThan(report('memory').total);
    for (const name of ['stem', 's1b1_conv2', 's1b1_add']) {
      expect(row('structureMemory', name).cost).toBeLessThan(row('memory', name).cost);
    }
  });

  test('--batch 32 scales every FLOPs cost by 32', () => {
    const one = report('flops');
    const many = report('batch32');
    expect(many.total).toBe(32 * one.total);
    many.layers.forEach((l, i) => expect(l.cost, l.name).toBe(32 * (one.layers[i]?.cost ?? NaN)));
  });
});
