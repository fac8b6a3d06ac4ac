/**
 * Ctrl-C / SIGTERM: run the teardown once, then exit with the conventional 128+signal code.
 * A second Ctrl-C while tearing down exits at once (a person insists). A SIGTERM during teardown
 * does not: CI runners send SIGINT then SIGTERM when a job is cancelled, and cutting `kind delete`
 * short would leak the cluster.
 */
export function onInterrupt(teardown: () => Promise<void>, log: (message: string) => void): () => void {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (interrupted) {
      if (signal === 'SIGINT') process.exit(code);
      log(`${signal} received: still tearing down`);
      return;
    }
    interrupted = true;
    log(`${signal} received: tearing down (press Ctrl-C again to exit at once)`);
    teardown()
      .catch((error) => log(`teardown failed: ${(error as Error).message}`))
      .finally(() => process.exit(code));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Wrap an async function so concurrent and repeated calls share one run. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
