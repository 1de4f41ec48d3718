/**
 * The README's TypeScript examples under "Your own model and data" run as written: each block is taken from
 * README.md into a fresh project that has morphlat installed (linked), type-checked there with tsc in strict
 * mode, compiled with esbuild, and run with node in a folder holding the `my-model/` and `photos/` it names.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadModelFile } from '../src/graph/index.js';
import { ensureBuilt, ROOT } from './helpers/cli.js';
import { kerasStyleModel, saveAsConvertedFromKeras, writeImageFolder } from './helpers/own-data.js';
import { useCpu } from './helpers/tf.js';

const run = promisify(execFile);
let project: string;
let blocks: string[];

/** The ```ts blocks of the README section `title`. */
async function readmeBlocks(title: string): Promise<string[]> {
  const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no section "${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/** Runs a compiled block with node in the project folder. */
async function runBlock(index: number): Promise<string> {
  const { code } = await transform(blocks[index] as string, { loader: 'ts', format: 'esm', target: 'node20' });
  const file = path.join(project, `example-${index}.mjs`);
  await fs.writeFile(file, code);
  const { stdout } = await run(process.execPath, [file], { cwd: project, timeout: 120_000 });
  return stdout;
}

beforeAll(async () => {
  ensureBuilt();
  await useCpu();
  blocks = await readmeBlocks('Your own model and data');
  project = await fs.mkdtemp(path.join(os.tmpdir(), 'morphlat-readme-'));
  await fs.writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
  await fs.mkdir(path.join(project, 'node_modules'));
  await fs.symlink(ROOT, path.join(project, 'node_modules', 'morphlat'), 'dir');
  for (const scope of ['@tensorflow', '@types']) await fs.symlink(path.join(ROOT, 'node_modules', scope), path.join(project, 'node_modules', scope), 'dir');
  await saveAsConvertedFromKeras(kerasStyleModel({ size: 16 }), path.join(project, 'my-model'));
  await writeImageFolder(path.join(project, 'photos'), { perClass: 8 });
}, 60_000);

afterAll(async () => {
  if (project !== undefined) await fs.rm(project, { recursive: true, force: true });
});

describe('the README example for your own model and data', () => {
  test('has the flow example and the pipeline example', () => {
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain("from 'morphlat'");
  });

  test('type-checks in strict mode against the built package', async () => {
    for (const [i, block] of blocks.entries()) await fs.writeFile(path.join(project, `example-${i}.ts`), block);
    const tsconfig = {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: true, types: ['node'] },
      include: ['example-*.ts'],
    };
    await fs.writeFile(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch((e: { stdout?: string }) => e);
    expect((result as { stdout?: string }).stdout ?? '').toBe('');
  });

  test('the flow runs: profile, predict, shrink for latency on the photos, expand', async () => {
    const stdout = await runBlock(0);
    expect(stdout).toMatch(/^seed: \d+\.\d{3} ms predicted on .*-wasm-my-model$/m);
    expect(stdout).toMatch(/^step 10\/40: \d+\.\d{3} ms, \d+\/\d+ channels$/m);
    expect(stdout).toMatch(/^shrunk: \d+\.\d{3} ms predicted, \{.*"conv2d":\d+.*\}, validation accuracy \d(\.\d+)?$/m);
    expect(stdout).toMatch(/^expanded x\d+\.\d\d: \d+\.\d{3} ms$/m);
    for (const file of ['wasm.json', 'shrunk/model.json', 'shrunk/report.json', 'expanded/model.json']) expect(existsSync(path.join(project, file)), file).toBe(true);
    const shrunk = await loadModelFile(path.join(project, 'shrunk', 'model.json'));
    expect(shrunk.outputs[0]?.shape).toEqual([null, 3]);
    shrunk.dispose();
  });

  test('the pipeline example shrinks on an async iterable of batches', async () => {
    const stdout = await runBlock(1);
    expect(stdout).toMatch(/^FLOPs: \d+ -> \d+ after \d+ steps$/m);
    const report = JSON.parse(await fs.readFile(path.join(project, 'shrunk-flops', 'report.json'), 'utf8'));
    expect(report.target).toBe('flops');
    expect(report.finalCost).toBeLessThan(report.initialCost);
  });
});
