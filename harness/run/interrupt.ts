/**
 * Ctrl-C, SIGTERM, SIGHUP (a closed terminal, a dropped SSH session), and a closed stdout for the
 * commands whose stdout is their contract: run the teardown once, then exit with the conventional
 * 128+signal code. Before the teardown a hook may write what the run has so far (the reports of
 * an interrupted `kindgate test`); it gets a bounded time, so the teardown always comes.
 *
 * A second Ctrl-C while tearing down exits at once (a person insists). A second SIGTERM or SIGHUP
 * does not: CI runners send SIGINT then SIGTERM when a job is cancelled, and cutting `kind delete`
 * short would leak the cluster.
 */

/** Exit code of each way a run can be interrupted: 128 + the signal's number (Linux numbering). */
export const INTERRUPT_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGPIPE: 141, SIGTERM: 143 } as const;
export type InterruptReason = keyof typeof INTERRUPT_EXIT_CODES;

/** The signals a run listens to; SIGPIPE is raised by kindgate itself when stdout is closed (Node ignores the signal). */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How long the before-teardown hook may take before the teardown starts anyway. */
export const BEFORE_TEARDOWN_GRACE_MS = 15_000;

export interface InterruptOptions {
  log: (message: string) => void;
  /** Runs once, before the teardown (its failure is logged, never kept). */
  beforeTeardown?: () => Promise<void>;
  /** Replaces process.exit (tests). */
  exit?: (code: number) => void;
  graceMs?: number;
}

export interface InterruptHandle {
  /** Stop listening: the run tore down on its own. */
  release(): void;
  /** Interrupt as the signal would (SIGPIPE: stdout was closed). */
  interrupt(reason: InterruptReason): void;
  /** Why the run was interrupted; undefined while it was not. */
  readonly reason: InterruptReason | undefined;
  /** Settles once the interrupt's teardown is over, just before the exit. */
  readonly handled: Promise<void>;
}

function interruptMessage(reason: InterruptReason): string {
  if (reason === 'SIGPIPE') return 'stdout was closed: tearing down';
  return `${reason} received: tearing down (press Ctrl-C again to exit at once)`;
}

/** `work`, or give up waiting for it after `ms` (it goes on; nobody waits for it any more). */
async function within(work: Promise<void>, ms: number): Promise<'done' | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([work.then(() => 'done' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function onInterrupt(teardown: () => Promise<void>, options: InterruptOptions): InterruptHandle {
  const { log, beforeTeardown, graceMs = BEFORE_TEARDOWN_GRACE_MS } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let reason: InterruptReason | undefined;
  let markHandled!: () => void;
  const handled = new Promise<void>((resolve) => (markHandled = resolve));

  const run = async (code: number) => {
    try {
      if (beforeTeardown) {
        const hook = beforeTeardown().catch((error: unknown) => log(`before teardown: ${(error as Error).message}`));
        if ((await within(hook, graceMs)) === 'late') log(`before teardown: still busy after ${graceMs / 1000} s`);
      }
      await teardown();
    } catch (error) {
      log(`teardown failed: ${(error as Error).message}`);
    } finally {
      markHandled();
      exit(code);
    }
  };

  const interrupt = (next: InterruptReason) => {
    const code = INTERRUPT_EXIT_CODES[next];
    if (reason) {
      if (next === 'SIGINT') return exit(code);
      if (next !== 'SIGPIPE') log(`${next} received: still tearing down`);
      return;
    }
    reason = next;
    log(interruptMessage(next));
    void run(code);
  };
  const onSignal = (signal: NodeJS.Signals) => interrupt(signal as InterruptReason);
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, onSignal);
  return {
    release() {
      for (const signal of INTERRUPT_SIGNALS) process.off(signal, onSignal);
    },
    interrupt,
    get reason() {
      return reason;
    },
    handled,
  };
}

/** Wrap an async function so concurrent and repeated calls share one run. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
