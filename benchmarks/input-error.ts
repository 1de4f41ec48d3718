/** How a benchmark refuses bad input: one line on stderr naming the benchmark, exit status 2, no stack. */

/** Prints `<bench>: <message>` and exits with status 2. */
export function exitOnInputError(bench: string, e: unknown): never {
  process.stderr.write(`${bench}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
