/**
 * The profiling page's script: ./page.ts and everything it imports (the profiler, tfjs-core, -layers
 * and the webgl, webgpu, wasm and cpu backends) bundled for the browser by esbuild, in memory, once
 * per process. From the built package it bundles the compiled page.js beside this file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let bundled: Promise<string> | undefined;

/** The page entry beside this module: page.ts when running from source, page.js when built. */
export function pageEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const entry = path.join(path.dirname(here), `page${path.extname(here)}`);
  if (!existsSync(entry)) throw new Error(`the profiling page's entry ${entry} is missing; rebuild morphlat`);
  return entry;
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [pageEntry()],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2020'],
    minify: true,
    keepNames: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no bundle for the profiling page');
  return file.text;
}

/** The bundled page script (built on first use, then cached). */
export function pageScript(): Promise<string> {
  bundled ??= bundle().catch((e: unknown) => {
    bundled = undefined;
    throw e;
  });
  return bundled;
}
