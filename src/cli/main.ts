/**
 * The `morphlat` entry point: builds the yargs parser from the command table, runs the command, and
 * maps errors to one message line and an exit code (the full trace only with `--verbose`).
 */
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { isMorphlatError, UsageError } from '../errors.js';
import { COMMANDS } from './commands/registry.js';
import type { CliOutput, CommandSpec, OptionSpec } from './command.js';
import { EXIT_CODES, EXIT_UNEXPECTED } from './exit-codes.js';

function toYargsOption(spec: OptionSpec): Record<string, unknown> {
  const { type, ...rest } = spec;
  return { type, ...rest };
}

function addCommand(parser: Argv, spec: CommandSpec, io: CliOutput, done: (p: Promise<void>) => void): Argv {
  return parser.command(
    spec.command,
    spec.describe,
    (y) => {
      let built = y;
      for (const [name, opt] of Object.entries(spec.positionals ?? {})) {
        built = built.positional(name, toYargsOption(opt) as never);
      }
      built = built.options(Object.fromEntries(Object.entries(spec.options).map(([k, v]) => [k, toYargsOption(v)])) as never);
      for (const [cmd, description] of spec.examples ?? []) built = built.example(cmd, description);
      for (const sub of spec.subcommands ?? []) built = addCommand(built, sub, io, done);
      return built;
    },
    (args) => done(spec.run(args as Record<string, unknown>, io)),
  );
}

function defaultOutput(verbose: boolean): CliOutput {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    verbose,
    interactive: process.stderr.isTTY === true,
  };
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], output?: CliOutput): Promise<number> {
  const verbose = argv.includes('--verbose');
  const io = output ?? defaultOutput(verbose);
  let running: Promise<void> | undefined;
  const parser = yargs([...argv])
    .scriptName('morphlat')
    .usage('$0 <command> [options]\n\nMorphNet-style shrinking for the measured latency of a real device.')
    .option('verbose', { type: 'boolean', describe: 'print full stack traces on errors', default: false })
    .strict()
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const spec of COMMANDS) addCommand(parser, spec, io, (p) => (running = p));
  try {
    await parser.parseAsync();
    if (running !== undefined) await running;
    return 0;
  } catch (e) {
    if (isMorphlatError(e)) {
      io.err(`morphlat: ${e.message}`);
      if (e instanceof UsageError && e.message !== '' && running === undefined) io.err(`Run \`morphlat --help\` for usage.`);
      if (io.verbose && e.stack !== undefined) io.err(e.stack);
      return EXIT_CODES[e.code];
    }
    io.err(`morphlat: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT_UNEXPECTED;
  }
}
