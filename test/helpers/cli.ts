/** Runs the built CLI (`node bin/morphlat.js`) as a child process and collects its output. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'morphlat.js');

/** Builds dist with tsc when it is missing (`npm test` builds it first). */
export function ensureBuilt(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    execFileSync('npx', ['tsc', '-p', path.join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'inherit' });
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `morphlat ...args` in `cwd`. */
export function runCli(args: readonly string[], cwd: string = ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The non-empty lines of a stream's text. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** A `morphlat cost --json` report. */
export interface CostJson {
  readonly target: string;
  readonly unit: string;
  readonly total: number;
  readonly layers: readonly { name: string; op: string; aliveIn: number; aliveOut: number; cost: number }[];
}

/** Runs `morphlat cost ... --json` and parses its report; fails loudly when the command fails. */
export async function costJson(args: readonly string[], cwd: string = ROOT): Promise<CostJson> {
  const r = await runCli(['cost', ...args, '--json'], cwd);
  if (r.code !== 0) throw new Error(`morphlat cost ${args.join(' ')} exited ${String(r.code)}: ${r.stderr}`);
  return JSON.parse(r.stdout) as CostJson;
}
