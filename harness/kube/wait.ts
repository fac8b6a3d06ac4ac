import { ConvergenceTracker, type CheckRecord } from '../convergence.ts';
import { WaitTimeoutError } from '../errors.ts';
import { secondsOf } from '../log.ts';
import { isUnknownKind, apiStatus, networkErrorCode } from './api-error.ts';
import { describeObject } from './conditions.ts';
import { describeRef, type KubeObject, type ObjectRef } from './types.ts';

/**
 * Watch-based waiting, as a controller would: list (to get the object and a resourceVersion),
 * then watch from that resourceVersion, re-checking the predicate on every event. A watch that
 * ends is resumed from the last resourceVersion seen; a 410 Gone (history compacted) re-lists.
 * No polling: the only timer besides the deadline is the backoff after a failed list/watch.
 *
 * This is a watch loop, not a plain retry: a watch "succeeds" when it starts and fails later through
 * its callbacks, and every event for the object resets the backoff. So it keeps its own small
 * backoff (WatchBackoff) rather than the request-level retry() of harness/retry.ts.
 *
 * Each wait is recorded as a check (harness/convergence.ts): how many states it read, when the
 * predicate first held, and the states and API errors seen until then.
 */

export interface WaitOptions {
  timeoutMs: number;
  /** What we wait for, for the error message: `Programmed=True`. */
  what?: string;
  /** How to describe the last seen object in the error message (default: its conditions). */
  describe?: (obj: KubeObject | undefined) => string;
  /**
   * How long "unknown kind" is retried before it is fatal (default 30 s). Right after a CRD became
   * Established, kube-apiserver updates discovery asynchronously, so a kind can be unknown briefly.
   */
  unknownKindGraceMs?: number;
  /** Aborting it ends the wait at once with the abort reason (a run cancelled after a sibling failed). */
  signal?: AbortSignal;
  /** Told how the wait converged (or why not) when it ends; not when it was aborted. */
  onRecord?: (record: CheckRecord) => void;
}

/** How long a kind may be unknown after its CRD is Established (discovery lags behind it). */
export const UNKNOWN_KIND_GRACE_MS = 30_000;

/** What the waiter needs from the API (the Kube client provides it; tests can fake it). */
export interface WaitSource {
  /** The object (undefined if absent) and the resourceVersion to watch from. */
  readOne(ref: ObjectRef): Promise<{ object: KubeObject | undefined; resourceVersion: string }>;
  /**
   * Start a watch of the object's collection (field selector metadata.name) from resourceVersion.
   * `onEvent` gets every event; `onDone` is called once when the watch ends (err null = closed).
   * Resolves to a handle that stops the watch.
   */
  watch(
    ref: ObjectRef,
    resourceVersion: string,
    onEvent: (type: string, object: unknown) => void,
    onDone: (err: unknown) => void,
  ): Promise<{ abort(): void }>;
}

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;
/** A watch that ends sooner than this counts as a failure (backs off instead of spinning). */
const HEALTHY_WATCH_MS = 1_000;

export function waitTimeoutMessage(
  ref: ObjectRef,
  lastSeen: KubeObject | undefined,
  opts: WaitOptions,
  lastError?: string,
): string {
  const describe = opts.describe ?? describeObject;
  const what = opts.what ?? 'the expected state';
  const apiNote = lastError ? ` (last API error: ${lastError})` : '';
  return `${describeRef(ref)}: ${describe(lastSeen)} after ${secondsOf(opts.timeoutMs)} s${apiNote}; waited for ${what}`;
}

/** Errors that waiting longer cannot fix (unknown kinds are handled apart: they get a grace period). */
function isFatal(err: unknown): boolean {
  const { code } = apiStatus(err);
  return code === 401 || code === 403;
}

function errorText(err: unknown): string {
  if (!err) return 'unknown error';
  const { code, status } = apiStatus(err);
  if (code !== undefined && status.message) return `${status.message} (HTTP ${code})`;
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}

export function waitForObject(
  source: WaitSource,
  ref: ObjectRef,
  predicate: (obj: KubeObject | undefined) => boolean,
  opts: WaitOptions,
): Promise<KubeObject> {
  return new ObjectWait(source, ref, predicate, opts).done;
}

/** The pause after a failed list or watch: doubling from 200 ms to 5 s, reset by an event for the object. */
class WatchBackoff {
  private failures = 0;

  next(): number {
    const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.failures);
    this.failures++;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }
}

/**
 * Right after a CRD became Established, kube-apiserver updates discovery asynchronously, so a kind
 * can be unknown briefly: tolerated for a grace period, counted from the first unknown-kind failure.
 */
class UnknownKindGrace {
  /** The unknown-kind error of the latest failure (undefined once the kind is served). */
  error: unknown;
  private since: number | undefined;

  constructor(private readonly graceMs: number) {}

  /** Note an unknown-kind failure; true once the kind has been unknown for the whole grace period. */
  expiredWith(err: unknown): boolean {
    this.since ??= Date.now();
    this.error = err;
    return Date.now() - this.since >= this.graceMs;
  }

  clear(): void {
    this.error = undefined;
    this.since = undefined;
  }
}

/** One watch of the object's collection and what it has seen so far. */
interface WatchRun {
  /** The resourceVersion to resume from. */
  rv: string;
  /** The server said 410 Gone: history compacted, resume by re-listing. */
  gone: boolean;
  ended: boolean;
  started: number;
}

/** One wait: list, then watch, until the predicate holds, a fatal error, or the deadline. */
class ObjectWait {
  readonly done: Promise<KubeObject>;
  private resolve!: (obj: KubeObject) => void;
  private reject!: (err: unknown) => void;
  private settled = false;
  private lastSeen: KubeObject | undefined;
  private lastError: string | undefined;
  private handle: { abort(): void } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly deadline: NodeJS.Timeout;
  private readonly backoff = new WatchBackoff();
  private readonly unknownKind: UnknownKindGrace;
  private readonly tracker: ConvergenceTracker;

  constructor(
    private readonly source: WaitSource,
    private readonly ref: ObjectRef,
    private readonly predicate: (obj: KubeObject | undefined) => boolean,
    private readonly opts: WaitOptions,
  ) {
    this.done = new Promise<KubeObject>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.unknownKind = new UnknownKindGrace(opts.unknownKindGraceMs ?? UNKNOWN_KIND_GRACE_MS);
    const subject = describeRef(ref);
    this.tracker = new ConvergenceTracker('status', `${subject}: ${opts.what ?? 'the expected state'}`, 1, { subject });
    this.deadline = setTimeout(() => this.timedOut(), opts.timeoutMs);
    if (opts.signal?.aborted) {
      this.aborted();
      return;
    }
    opts.signal?.addEventListener('abort', this.aborted, { once: true });
    void this.relist();
  }

  private readonly aborted = (): void =>
    this.finish(this.opts.signal?.reason ?? new Error('aborted'), undefined, { recorded: false });

  /** Settle once: stop the timers and the watch; tell onRecord how it went (not after an abort). */
  private finish(err: unknown, obj?: KubeObject, { recorded = true } = {}): void {
    if (this.settled) return;
    this.settled = true;
    if (recorded) this.opts.onRecord?.(this.tracker.record(!err));
    clearTimeout(this.deadline);
    clearTimeout(this.retryTimer);
    this.opts.signal?.removeEventListener('abort', this.aborted);
    this.handle?.abort();
    this.handle = undefined;
    if (err) this.reject(err);
    else this.resolve(obj as KubeObject);
  }

  /** Still an unknown kind at the deadline: its own message (install the CRDs) says more. */
  private timedOut(): void {
    const { ref, lastSeen, opts, lastError } = this;
    this.finish(this.unknownKind.error ?? new WaitTimeoutError(waitTimeoutMessage(ref, lastSeen, opts, lastError)));
  }

  /** A failed list/watch: fatal, or an unknown kind past its grace period, ends the wait; else back off and re-list. */
  private failed(err: unknown): void {
    this.tracker.attempt();
    // Only a failed connection is unreachable; an API that refused (a status, an unknown kind) answered.
    const network = networkErrorCode(err);
    this.tracker.miss({
      answer: `API error: ${network ?? errorText(err)}`,
      reason: errorText(err),
      unreachable: !!network,
    });
    if (isFatal(err)) return this.finish(err);
    if (isUnknownKind(err)) {
      if (this.unknownKind.expiredWith(err)) return this.finish(err);
    } else {
      this.unknownKind.clear();
    }
    this.backOff(err, () => void this.relist());
  }

  private backOff(err: unknown, then: () => void): void {
    if (this.settled) return;
    if (err) this.lastError = errorText(err);
    this.retryTimer = setTimeout(then, this.backoff.next());
  }

  /** Remember the object and finish if the predicate holds (a throwing predicate ends the wait). */
  private check(obj: KubeObject | undefined): void {
    this.lastSeen = obj;
    this.tracker.attempt();
    let ok: boolean;
    try {
      ok = this.predicate(obj);
    } catch (err) {
      this.finish(err);
      return;
    }
    if (ok) {
      this.tracker.match();
      this.finish(undefined, obj as KubeObject);
    } else {
      this.tracker.miss({ answer: this.describeState(obj) });
    }
  }

  /** The state as the timeout message would describe it (a describer that throws says so). */
  private describeState(obj: KubeObject | undefined): string {
    try {
      return (this.opts.describe ?? describeObject)(obj);
    } catch (err) {
      return `(cannot describe: ${errorText(err)})`;
    }
  }

  /** Read the object and the resourceVersion to watch from, check it, then watch. */
  private async relist(): Promise<void> {
    if (this.settled) return;
    let listed: Awaited<ReturnType<WaitSource['readOne']>>;
    try {
      listed = await this.source.readOne(this.ref);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (this.settled) return;
    this.unknownKind.clear();
    this.check(listed.object);
    if (!this.settled) void this.watchFrom(listed.resourceVersion);
  }

  private async watchFrom(resourceVersion: string): Promise<void> {
    const run: WatchRun = { rv: resourceVersion, gone: false, ended: false, started: Date.now() };
    const onEvent = (type: string, raw: unknown) => this.onWatchEvent(run, type, raw);
    const onDone = (err: unknown) => this.onWatchEnd(run, err);
    try {
      const h = await this.source.watch(this.ref, run.rv, onEvent, onDone);
      // The watch may already have ended (and a new one started) before this resolved.
      if (this.settled || run.ended) h.abort();
      else this.handle = h;
    } catch (err) {
      onDone(err ?? new Error('watch failed'));
    }
  }

  private onWatchEvent(run: WatchRun, type: string, raw: unknown): void {
    if (this.settled) return;
    const obj = raw as KubeObject | { code?: number } | undefined;
    if (type === 'ERROR') {
      // A watch that starts too far back gets an ERROR event with a 410 Status, then closes.
      if ((obj as { code?: number } | undefined)?.code === 410) run.gone = true;
      else this.lastError = errorText({ code: (obj as { code?: number })?.code, body: obj });
      return;
    }
    const kobj = obj as KubeObject | undefined;
    if (kobj?.metadata?.resourceVersion) run.rv = kobj.metadata.resourceVersion;
    if (type === 'BOOKMARK' || !kobj?.metadata) return;
    // The field selector should do this, but stay correct against servers that ignore it.
    if (kobj.metadata.name !== this.ref.name) return;
    if (this.ref.namespace && kobj.metadata.namespace && kobj.metadata.namespace !== this.ref.namespace) return;
    this.backoff.reset();
    this.check(type === 'DELETED' ? undefined : kobj);
  }

  /** A watch ended: re-list after 410 Gone, back off after an error or a too-short watch, else resume. */
  private onWatchEnd(run: WatchRun, err: unknown): void {
    if (run.ended || this.settled) return;
    run.ended = true;
    this.handle = undefined;
    if (run.gone || apiStatus(err).code === 410) {
      void this.relist();
    } else if (err) {
      this.failed(err);
    } else if (Date.now() - run.started < HEALTHY_WATCH_MS) {
      this.backOff(undefined, () => void this.watchFrom(run.rv));
    } else {
      void this.watchFrom(run.rv);
    }
  }
}
