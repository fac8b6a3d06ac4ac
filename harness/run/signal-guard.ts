const GUARDED = new Set<string | symbol>(['SIGINT', 'SIGTERM', 'SIGHUP']);

/**
 * From now until the returned release is called, every SIGINT/SIGTERM/SIGHUP listener added to the
 * process is removed as soon as it is added (a microtask later, before any signal can be
 * delivered). vitest's Logger registers listeners that exit the process within a millisecond of
 * a Ctrl-C (vitest packages/vitest/src/node/logger.ts, addCleanupListeners), and the run's own
 * handler must tear the cluster down first. Removing them once `createVitest` resolved left a
 * window, while vitest loads, in which a Ctrl-C exited without teardown.
 */
export function keepNewSignalListenersOut(): () => void {
  const onNewListener = (event: string | symbol, listener: (...args: unknown[]) => void) => {
    if (GUARDED.has(event)) queueMicrotask(() => process.off(event as NodeJS.Signals, listener));
  };
  process.on('newListener', onNewListener);
  return () => process.off('newListener', onNewListener);
}
