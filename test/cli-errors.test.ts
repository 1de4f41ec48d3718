/**
 * Bad input to the CLI: exactly one line on stderr naming the file, layer or field, the exit code of
 * the error's kind (never 0, never the "unexpected" 1), and no stack trace unless --verbose.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT_CODES } from '../src/cli/exit-codes.js';
import type { ErrorCode } from '../src/errors.js';
import { ensureBuilt, linesOf, runCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';

let tmp: string;
const p = (...parts: string[]): string => path.join(tmp, ...parts);

interface Case {
  readonly what: string;
  readonly args: () => string[];
  /** Text the single stderr line must contain. */
  readonly names: () => string[];
  /** The kind of error, when the issue pins it; otherwise any handled (non-0, non-1) exit code. */
  readonly code?: ErrorCode;
  /** Also run with --verbose (one case per kind of error, to keep the run short). */
  readonly verbose?: true;
}

const CASES: readonly Case[] = [
  {
    what: 'malformed model.json',
    args: () => ['cost', '--model', p('malformed', 'model.json')],
    names: () => [p('malformed', 'model.json')],
    code: 'E_MODEL_FILE',
  },
  {
    what: 'truncated model.json',
    args: () => ['cost', '--model', p('truncated', 'model.json')],
    names: () => [p('truncated', 'model.json')],
    code: 'E_MODEL_FILE',
  },
  {
    what: 'missing weights file',
    args: () => ['cost', '--model', p('no-weights', 'model.json')],
    names: () => [p('no-weights', 'weights.bin')],
    code: 'E_MODEL_FILE',
  },
  {
    what: 'truncated weights.bin',
    verbose: true,
    args: () => ['cost', '--model', p('short-weights', 'model.json')],
    names: () => [p('short-weights', 'weights.bin')],
    code: 'E_MODEL_FILE',
  },
  {
    what: 'unknown zoo name in cost',
    verbose: true,
    args: () => ['cost', '--model', 'resnet-huge'],
    names: () => ['resnet-huge'],
    code: 'E_USAGE',
  },
  {
    what: 'unknown zoo name in models export',
    args: () => ['models', 'export', 'resnet-huge', '--out', p('export-out')],
    names: () => ['resnet-huge'],
    code: 'E_USAGE',
  },
  {
    what: 'structure naming an unknown layer',
    args: () => ['cost', '--model', 'resnet-mini', '--structure', p('unknown-layer.json')],
    names: () => ['no_such_conv'],
    code: 'E_STRUCTURE',
  },
  {
    what: 'structure count on a layer that owns no channels',
    verbose: true,
    args: () => ['cost', '--model', 'resnet-mini', '--structure', p('not-an-owner.json')],
    names: () => ['stem_bn', 'BatchNormalization'],
    code: 'E_STRUCTURE',
  },
  {
    what: 'malformed structure file',
    verbose: true,
    args: () => ['cost', '--model', 'resnet-mini', '--structure', p('malformed-structure.json')],
    names: () => [p('malformed-structure.json')],
    code: 'E_STRUCTURE',
  },
  {
    what: 'structure file with a bad count',
    args: () => ['cost', '--model', 'resnet-mini', '--structure', p('bad-count.json')],
    names: () => [p('bad-count.json'), 'stem'],
    code: 'E_STRUCTURE',
  },
  {
    what: 'unknown target',
    args: () => ['cost', '--model', 'resnet-mini', '--target', 'watts'],
    names: () => ['watts'],
    code: 'E_USAGE',
  },
  {
    what: 'unknown roofline hardware',
    verbose: true,
    args: () => ['cost', '--model', 'resnet-mini', '--target', 'roofline:H100'],
    names: () => ['H100'],
    code: 'E_USAGE',
  },
  {
    what: 'batch 0',
    args: () => ['cost', '--model', 'resnet-mini', '--batch', '0'],
    names: () => ['--batch'],
    code: 'E_USAGE',
  },
  {
    what: 'batch that is not a number',
    args: () => ['cost', '--model', 'resnet-mini', '--batch', 'lots'],
    names: () => ['batch'],
    code: 'E_USAGE',
  },
  {
    what: 'export onto an existing file',
    args: () => ['models', 'export', 'resnet-mini', '--out', p('a-file')],
    names: () => ['a-file'],
  },
];

const plain = new Map<string, CliResult>();
const verbose = new Map<string, CliResult>();

beforeAll(async () => {
  ensureBuilt();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-cli-errors-'));
  // a good export to break copies of
  const good = await runCli(['models', 'export', 'plain-cnn', '--out', p('good')]);
  if (good.code !== 0) throw new Error(`export failed: ${good.stderr}`);
  const json = await fs.readFile(p('good', 'model.json'), 'utf8');
  const weights = await fs.readFile(p('good', 'weights.bin'));
  const write = async (file: string, data: string | Buffer): Promise<void> => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, data);
  };
  await write(p('malformed', 'model.json'), '{ "modelTopology": [1, 2,, }');
  await write(p('malformed', 'weights.bin'), weights);
  await write(p('truncated', 'model.json'), json.slice(0, Math.floor(json.length * 0.6)));
  await write(p('truncated', 'weights.bin'), weights);
  await write(p('no-weights', 'model.json'), json);
  await write(p('short-weights', 'model.json'), json);
  await write(p('short-weights', 'weights.bin'), weights.subarray(0, weights.byteLength - 100));
  await write(p('unknown-layer.json'), JSON.stringify({ stem: 8, no_such_conv: 3 }));
  await write(p('not-an-owner.json'), JSON.stringify({ stem_bn: 4 }));
  await write(p('malformed-structure.json'), '{ "stem": 8');
  await write(p('bad-count.json'), JSON.stringify({ stem: 'eight' }));
  await write(p('a-file'), 'not a folder');

  const all = [
    ...CASES.map((c) => [plain, c, c.args()] as const),
    ...CASES.filter((c) => c.verbose).map((c) => [verbose, c, [...c.args(), '--verbose']] as const),
  ];
  // a few at a time: this machine has two cores
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < all.length; i = next++) {
      const [into, c, args] = all[i]!;
      into.set(c.what, await runCli(args));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
});

afterAll(async () => {
  if (tmp !== undefined) await fs.rm(tmp, { recursive: true, force: true });
});

function result(from: Map<string, CliResult>, c: Case): CliResult {
  const r = from.get(c.what);
  if (r === undefined) throw new Error(`no result for ${c.what}`);
  return r;
}

describe.each(CASES)('$what', (c) => {
  test('one stderr line naming it, the exit code of its kind, no stack trace', () => {
    const r = result(plain, c);
    if (c.code !== undefined) expect(r.code).toBe(EXIT_CODES[c.code]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(1);
    expect(r.stdout).toBe('');
    const lines = linesOf(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    for (const name of c.names()) expect(lines[0]).toContain(name);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe.each(CASES.filter((c) => c.verbose === true))('$what --verbose', (c) => {
  test('prints the message and the stack trace', () => {
    const r = result(verbose, c);
    if (c.code !== undefined) expect(r.code).toBe(EXIT_CODES[c.code]);
    for (const name of c.names()) expect(r.stderr).toContain(name);
    expect(r.stderr).toMatch(/^ {4}at /m);
  });
});
