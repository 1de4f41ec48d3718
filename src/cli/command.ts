/**
 * A CLI command as data: its name, positionals and options (typed tables with descriptions and
 * aliases), separate from the parser, and the function that runs it.
 */

import { UsageError } from '../errors.js';

/** One option or positional of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'number' | 'boolean' | 'array';
  readonly describe: string;
  readonly alias?: string;
  readonly default?: unknown;
  readonly choices?: readonly (string | number)[];
  readonly demandOption?: boolean;
}

/** Where a command writes: standard output and standard error, one call per line or block. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
  /** True with `--verbose`. */
  readonly verbose: boolean;
  /** True when standard error is a terminal (progress bars are drawn only then). */
  readonly interactive: boolean;
}

/** Parsed arguments: option names to values. */
export type CliArgs = Readonly<Record<string, unknown>>;

/** A command of the `morphlat` CLI. */
export interface CommandSpec {
  /** yargs command string, e.g. `cost` or `export <name>`. */
  readonly command: string;
  readonly describe: string;
  readonly positionals?: Readonly<Record<string, OptionSpec>>;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly (readonly [string, string])[];
  readonly subcommands?: readonly CommandSpec[];
  run(args: CliArgs, io: CliOutput): Promise<void>;
}

/** Reads a string option. */
export function stringArg(args: CliArgs, name: string): string | undefined {
  const v = args[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a number option; a value that is not a number is a UsageError naming the option. */
export function numberArg(args: CliArgs, name: string): number | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new UsageError(`\`--${name}\` must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads a boolean option. */
export function flagArg(args: CliArgs, name: string): boolean {
  return args[name] === true;
}

/** Reads an array option as strings. */
export function listArg(args: CliArgs, name: string): string[] {
  const v = args[name];
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' ? [v] : [];
}
