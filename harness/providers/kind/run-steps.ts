import { timedStep, type Logger } from '../../log.ts';
import type { StartHooks } from '../types.ts';

/** What every step's context carries for the runner: the run's log and its cancellation signal. */
export interface StepContext {
  readonly log: Logger;
  /** Aborted at the first failure (and when teardown begins): running commands, waits and retries end. */
  readonly signal: AbortSignal;
}

/** One pipeline step: a name, the work, and how to remove what the work created. */
export interface Step<C extends StepContext> {
  /** Short name; the step's file under steps/ has it. */
  readonly id: string;
  /** The step line, logged with the step's duration (`✓ cluster kindgate-x created (31.2 s)`); none when there is nothing to wait for. */
  label?(ctx: C): string | undefined;
  /** The step line once `run` succeeded, when it should say what `run` found; default: `label`. */
  doneLabel?(ctx: C): string;
  run(ctx: C): Promise<void>;
  /**
   * Remove what `run` created, reading the context for what that was (run may have failed
   * halfway). Called in reverse order at teardown for every step that started; must not throw.
   */
  undo?(ctx: C, log: Logger): Promise<void>;
}

/** Steps that run concurrently; the first failure cancels the others through the run's signal. */
export interface StepGroup<C extends StepContext, S extends Step<C> = Step<C>> {
  readonly id: string;
  readonly concurrent: readonly S[];
}

export type PipelineEntry<C extends StepContext, S extends Step<C> = Step<C>> = S | StepGroup<C, S>;

export function isStepGroup<C extends StepContext, S extends Step<C>>(
  entry: PipelineEntry<C, S>,
): entry is StepGroup<C, S> {
  return 'concurrent' in entry;
}

/** After a cancel, how long teardown waits for the running steps to end (execa kills with SIGKILL after 5 s). */
export const DEFAULT_CANCEL_GRACE_MS = 10_000;

interface Outcome {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function newOutcome(): Outcome {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // nobody may be waiting for it
  return { promise, resolve, reject };
}

/** Resolves once every promise settled, or after `ms`, whichever comes first. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(promises), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function failedReason(label: string): Error {
  return new Error(`${label} failed`);
}

/**
 * Runs a pipeline once: each step in order (a group's steps concurrently), each timed as a step
 * line; stops at the first failure, cancels what still runs (one AbortController for the run),
 * and tears down by undoing the started steps in reverse order. Teardown is idempotent, so the
 * provider's stop (also on a signal, mid-run) and a failed run share it.
 */
export class StepRunner<C extends StepContext> {
  private readonly controller = new AbortController();
  private readonly started: Step<C>[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly outcomes = new Map<string, Outcome>();
  private tornDown?: Promise<void>;

  constructor(private readonly cancelGraceMs = DEFAULT_CANCEL_GRACE_MS) {}

  /** The signal every step's commands, waits and retries take. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Settles as step `id` of this run does (e.g. the implementation install waits for the CRDs). */
  readonly after = (id: string): Promise<void> => this.outcome(id).promise;

  /**
   * Run every entry. On a failure: cancel the rest, call `hooks.beforeCleanup` while everything
   * still exists (its failure is logged, never kept), tear down, and rethrow the first failure.
   */
  async run(pipeline: readonly PipelineEntry<C>[], ctx: C, hooks?: StartHooks): Promise<void> {
    try {
      for (const entry of pipeline) {
        this.signal.throwIfAborted();
        if (isStepGroup(entry)) await this.runGroup(entry, ctx);
        else await this.runStep(entry, ctx);
      }
    } catch (error) {
      await this.cancel(new Error('the run failed'));
      try {
        await hooks?.beforeCleanup?.(error);
      } catch (hookError) {
        ctx.log.warn(`before cleanup: ${(hookError as Error)?.message ?? String(hookError)}`);
      } finally {
        // Nothing the hook does may keep what the run created.
        await this.teardown(ctx, ctx.log);
      }
      throw error;
    }
  }

  /** Cancel what runs, then undo every started step, last first. Safe to call twice and mid-run. */
  teardown(ctx: C, log: Logger): Promise<void> {
    this.tornDown ??= (async () => {
      await this.cancel(new Error('teardown began'));
      for (const step of [...this.started].reverse()) {
        await step.undo?.(ctx, log).catch((error: Error) => log.warn(`undoing ${step.id}: ${error.message}`));
      }
    })();
    return this.tornDown;
  }

  private async runGroup(group: StepGroup<C>, ctx: C): Promise<void> {
    const branches = group.concurrent.map((step) => this.runStep(step, ctx));
    // The first failure rejects at once (its step already aborted the siblings); the siblings'
    // later rejections are expected and must not be unhandled.
    for (const branch of branches) branch.catch(() => undefined);
    await Promise.all(branches);
  }

  private async runStep(step: Step<C>, ctx: C): Promise<void> {
    this.started.push(step);
    const outcome = this.outcome(step.id);
    const label = step.label?.(ctx);
    const done = step.doneLabel && (() => step.doneLabel!(ctx));
    const work = label ? timedStep(ctx.log, label, () => step.run(ctx), done) : step.run(ctx);
    this.running.add(work);
    try {
      await work;
      outcome.resolve();
    } catch (error) {
      // First failure: stop the siblings' commands, waits and retries now, before anything is deleted.
      if (!this.signal.aborted) this.controller.abort(failedReason(label ?? step.id));
      outcome.reject(error);
      throw error;
    } finally {
      this.running.delete(work);
    }
  }

  /** Abort (if not yet) and give the running steps `cancelGraceMs` to end. */
  private async cancel(reason: Error): Promise<void> {
    if (!this.signal.aborted) this.controller.abort(reason);
    await settledWithin([...this.running], this.cancelGraceMs);
  }

  private outcome(id: string): Outcome {
    let outcome = this.outcomes.get(id);
    if (!outcome) {
      outcome = newOutcome();
      this.outcomes.set(id, outcome);
    }
    return outcome;
  }
}
