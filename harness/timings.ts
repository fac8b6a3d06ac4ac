/**
 * Phase timings of a run: every step a run takes (tools, cluster created, fixtures applied, each
 * Gateway Programmed, suites, teardown, …) with when it started and how long it took. The run's
 * logger carries one recorder (Logger.phases), so whatever logs a step line also times it; the
 * test command writes the list to `timings.json` (reports/timings.ts).
 */

/** One timed phase, as `timings.json` lists it. */
export interface PhaseTiming {
  /** Stable across runs (no random names), so two runs' timings can be compared phase by phase. */
  phase: string;
  /** ISO 8601, millisecond precision. */
  startedAt: string;
  durationMs: number;
  /** What the phase was about this time (the cluster's name, the address a Gateway got). */
  detail?: string;
  /** The phase ended in a failure. */
  failed?: true;
}

export interface PhaseExtra {
  detail?: string;
  failed?: boolean;
}

/** A `performance.now()` reading as wall-clock time. */
export function isoAt(monotonicMs: number): string {
  return new Date(performance.timeOrigin + monotonicMs).toISOString();
}

export class PhaseRecorder {
  private readonly entries: PhaseTiming[] = [];

  /** The phases recorded so far, in the order they ended. */
  get phases(): readonly PhaseTiming[] {
    return this.entries;
  }

  /** A phase timed elsewhere (read from the suites' check records). */
  record(entry: PhaseTiming): void {
    this.entries.push(entry);
  }

  /** A phase that ran from `startMs` until `endMs` (both `performance.now()` readings). */
  add(phase: string, startMs: number, endMs: number = performance.now(), extra: PhaseExtra = {}): void {
    this.entries.push({
      phase,
      startedAt: isoAt(startMs),
      durationMs: Math.max(0, Math.round(endMs - startMs)),
      ...(extra.detail ? { detail: extra.detail } : {}),
      ...(extra.failed ? { failed: true as const } : {}),
    });
  }

  /** Run `work` as phase `phase`; a failure is recorded as such and rethrown. */
  async time<T>(phase: string, work: () => Promise<T>, detail?: string | ((result: T) => string | undefined)) {
    const started = performance.now();
    try {
      const result = await work();
      this.add(phase, started, performance.now(), { detail: typeof detail === 'function' ? detail(result) : detail });
      return result;
    } catch (error) {
      this.add(phase, started, performance.now(), {
        detail: typeof detail === 'string' ? detail : undefined,
        failed: true,
      });
      throw error;
    }
  }
}

/** Time `work` as a phase when a recorder is there (a step without a log line of its own). */
export function timedPhase<T>(
  recorder: PhaseRecorder | undefined,
  phase: string,
  work: () => Promise<T>,
  detail?: string | ((result: T) => string | undefined),
): Promise<T> {
  return recorder ? recorder.time(phase, work, detail) : work();
}
