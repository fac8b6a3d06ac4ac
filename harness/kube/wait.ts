import { WaitTimeoutError } from '../errors.ts';
import { secondsOf } from '../log.ts';
import { isUnknownKind, apiStatus } from './api-error.ts';
import { describeObject } from './conditions.ts';
import { describeRef, type KubeObject, type ObjectRef } from './types.ts';

/**
 * Watch-based waiting, as a controller would: list (to get the object and a resourceVersion),
 * then watch from that resourceVersion, re-checking the predicate on every event. A watch that
 * ends is resumed from the last resourceVersion seen; a 410 Gone (history compacted) re-lists.
 * No polling: the only timer besides the deadline is the backoff after a failed list/watch.
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
  return new Promise<KubeObject>((resolve, reject) => {
    let settled = false;
    let lastSeen: KubeObject | undefined;
    let lastError: string | undefined;
    let failures = 0;
    let handle: { abort(): void } | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    /** The unknown-kind error of the latest failure, and when the kind was first found unknown. */
    let unknownKind: unknown;
    let unknownSince: number | undefined;
    const graceMs = opts.unknownKindGraceMs ?? UNKNOWN_KIND_GRACE_MS;

    const finish = (err: unknown, obj?: KubeObject) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(retryTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      handle?.abort();
      handle = undefined;
      if (err) reject(err);
      else resolve(obj as KubeObject);
    };

    const deadline = setTimeout(
      // Still an unknown kind at the deadline: its own message (install the CRDs) says more.
      () => finish(unknownKind ?? new WaitTimeoutError(waitTimeoutMessage(ref, lastSeen, opts, lastError))),
      opts.timeoutMs,
    );
    const onAbort = () => finish(opts.signal?.reason ?? new Error('aborted'));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    /** A failed list/watch: fatal, or an unknown kind past its grace period, ends the wait; else back off and re-list. */
    const failed = (err: unknown) => {
      if (isFatal(err)) return finish(err);
      if (isUnknownKind(err)) {
        unknownSince ??= Date.now();
        unknownKind = err;
        if (Date.now() - unknownSince >= graceMs) return finish(err);
      } else {
        unknownKind = undefined;
        unknownSince = undefined;
      }
      backOff(err, relist);
    };

    const check = (obj: KubeObject | undefined) => {
      lastSeen = obj;
      let ok: boolean;
      try {
        ok = predicate(obj);
      } catch (err) {
        finish(err);
        return;
      }
      if (ok) finish(undefined, obj as KubeObject);
    };

    const backOff = (err: unknown, then: () => void) => {
      if (settled) return;
      if (err) lastError = errorText(err);
      const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** failures);
      failures++;
      retryTimer = setTimeout(then, delay);
    };

    const relist = async () => {
      if (settled) return;
      let listed: Awaited<ReturnType<WaitSource['readOne']>>;
      try {
        listed = await source.readOne(ref);
      } catch (err) {
        failed(err);
        return;
      }
      if (settled) return;
      unknownKind = undefined;
      unknownSince = undefined;
      check(listed.object);
      if (!settled) void watchFrom(listed.resourceVersion);
    };

    const watchFrom = async (resourceVersion: string) => {
      let rv = resourceVersion;
      let gone = false;
      let ended = false;
      const started = Date.now();
      const onEvent = (type: string, raw: unknown) => {
        if (settled) return;
        const obj = raw as KubeObject | { code?: number } | undefined;
        if (type === 'ERROR') {
          // A watch that starts too far back gets an ERROR event with a 410 Status, then closes.
          if ((obj as { code?: number } | undefined)?.code === 410) gone = true;
          else lastError = errorText({ code: (obj as { code?: number })?.code, body: obj });
          return;
        }
        const kobj = obj as KubeObject | undefined;
        if (kobj?.metadata?.resourceVersion) rv = kobj.metadata.resourceVersion;
        if (type === 'BOOKMARK' || !kobj?.metadata) return;
        // The field selector should do this, but stay correct against servers that ignore it.
        if (kobj.metadata.name !== ref.name) return;
        if (ref.namespace && kobj.metadata.namespace && kobj.metadata.namespace !== ref.namespace) return;
        failures = 0;
        check(type === 'DELETED' ? undefined : kobj);
      };
      const onDone = (err: unknown) => {
        if (ended || settled) return;
        ended = true;
        handle = undefined;
        if (gone || apiStatus(err).code === 410) {
          void relist();
        } else if (err) {
          failed(err);
        } else if (Date.now() - started < HEALTHY_WATCH_MS) {
          backOff(undefined, () => void watchFrom(rv));
        } else {
          void watchFrom(rv);
        }
      };
      try {
        const h = await source.watch(ref, rv, onEvent, onDone);
        // The watch may already have ended (and a new one started) before this resolved.
        if (settled || ended) h.abort();
        else handle = h;
      } catch (err) {
        onDone(err ?? new Error('watch failed'));
      }
    };

    void relist();
  });
}
