/** Ctrl-C for long commands: the first SIGINT aborts the work cleanly (it saves what it has); a second exits. */

/** An AbortSignal fired by SIGINT, and a function to stop listening. */
export function abortOnInterrupt(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: saving what was measured (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}
