import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../kube/types.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { sameJson } from '../json.ts';
import { nowTimestamp } from '../timestamps.ts';

export type { KubeObject, ObjectMeta } from '../../../kube/types.ts';

/**
 * The simulated cluster's object store: what etcd + the generic registry do for a real API server.
 * It owns resourceVersion (one counter for the whole store, as etcd's revision), generation
 * (bumped when anything outside metadata and status changes), uid and creationTimestamp, and it
 * emits watch events.
 *
 * A write stores a deep-frozen snapshot of the object (a copy of what the caller passed). Reads
 * (get, list, watch events, eventsSince) hand out those snapshots themselves rather than copies:
 * a caller cannot change stored state (an assignment throws, these modules being strict ESM), and
 * one that wants a changed object builds it (`{ ...obj, status }`, structuredClone) and writes it.
 * Copying on every read cost the sim most of its CPU (the controller lists Pods on every pass).
 * Objects are indexed by group + kind, each kind's sorted list kept until the kind is written.
 */

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  type: WatchEventType;
  object: KubeObject;
}

export class StoreConflictError extends Error {
  constructor(
    message: string,
    readonly reason: 'AlreadyExists' | 'NotFound' | 'Conflict',
  ) {
    super(message);
  }
}

/** group ('' for core) from an apiVersion such as `apps/v1` or `v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** Objects are stored by group + kind, so every served version of a kind sees the same object. */
function kindKeyOf(apiVersion: string, kind: string): string {
  return `${groupOf(apiVersion)}|${kind}`;
}

function keyOf(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${kindKeyOf(apiVersion, kind)}|${namespace ?? ''}|${name}`;
}

/** The objects of one group + kind, with their sorted list (and per-namespace lists) until the kind is written. */
class KindIndex {
  readonly objects = new Map<string, KubeObject>();
  private sorted: KubeObject[] | undefined;
  private readonly byNamespace = new Map<string, KubeObject[]>();

  set(key: string, obj: KubeObject): void {
    this.objects.set(key, obj);
    this.invalidate();
  }

  delete(key: string): void {
    this.objects.delete(key);
    this.invalidate();
  }

  /** Sorted by namespace then name; the array is the index's own: callers copy it. */
  list(namespace: string | undefined): readonly KubeObject[] {
    this.sorted ??= [...this.objects.values()].sort(byNamespaceThenName);
    if (namespace === undefined) return this.sorted;
    let inNamespace = this.byNamespace.get(namespace);
    if (!inNamespace) {
      inNamespace = this.sorted.filter((obj) => obj.metadata.namespace === namespace);
      this.byNamespace.set(namespace, inNamespace);
    }
    return inNamespace;
  }

  private invalidate(): void {
    this.sorted = undefined;
    this.byNamespace.clear();
  }
}

const HISTORY_LIMIT = 5000;

export class Store {
  private readonly objects = new Map<string, KubeObject>();
  private readonly kinds = new Map<string, KindIndex>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  /** Recent events, so a watch that starts at an older resourceVersion misses nothing. */
  private readonly history: { rv: number; event: StoreEvent }[] = [];
  private revision = 1;

  /** The store's current resourceVersion (what a list returns in its metadata). */
  resourceVersion(): string {
    return String(this.revision);
  }

  /** The stored object (frozen), in `apiVersion`. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(keyOf(apiVersion, kind, namespace, name));
    return found && inVersion(found, apiVersion);
  }

  /** All objects of a kind (frozen), optionally in one namespace, sorted by namespace then name. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const stored = this.kinds.get(kindKeyOf(apiVersion, kind))?.list(namespace) ?? [];
    return stored.map((obj) => inVersion(obj, apiVersion));
  }

  create(input: KubeObject): KubeObject {
    const key = keyOf(input.apiVersion, input.kind, input.metadata.namespace, input.metadata.name);
    if (this.objects.has(key)) {
      throw new StoreConflictError(`${input.kind} "${input.metadata.name}" already exists`, 'AlreadyExists');
    }
    const obj = structuredClone(input);
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = nowTimestamp();
    obj.metadata.generation = 1;
    obj.metadata.resourceVersion = String(++this.revision);
    this.put(key, deepFreeze(obj));
    this.emit('ADDED', obj);
    return obj;
  }

  /**
   * Replace everything but status (as PUT on the main resource does). Bumps generation when the
   * object's desired state (anything outside metadata and status) changed. If the input carries
   * a resourceVersion it must be current (optimistic concurrency).
   */
  update(input: KubeObject): KubeObject {
    const existing = this.mustGet(input);
    this.checkVersion(existing, input);
    const obj = structuredClone(input);
    obj.metadata = {
      ...obj.metadata,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      generation: existing.metadata.generation,
    };
    if ('status' in existing) obj.status = existing.status;
    else delete obj.status;
    if (!sameJson(desiredState(existing), desiredState(obj))) {
      obj.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    }
    return this.commit(existing, obj);
  }

  /** Replace only status (as PUT/PATCH on the status subresource does); generation is untouched. */
  updateStatus(input: KubeObject): KubeObject {
    const existing = this.mustGet(input);
    this.checkVersion(existing, input);
    const obj = { ...existing, metadata: { ...existing.metadata }, status: copy(input.status) };
    return this.commit(existing, obj);
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = keyOf(apiVersion, kind, namespace, name);
    const existing = this.objects.get(key);
    if (!existing) return undefined;
    this.objects.delete(key);
    this.kinds.get(kindKeyOf(apiVersion, kind))?.delete(key);
    const gone = deepFreeze({
      ...existing,
      metadata: { ...existing.metadata, resourceVersion: String(++this.revision) },
    });
    this.emit('DELETED', gone);
    // Deleting a namespace removes what lives in it, as the namespace controller does.
    if (kind === 'Namespace' && groupOf(apiVersion) === '') {
      for (const obj of [...this.objects.values()]) {
        if (obj.metadata.namespace === name) this.delete(obj.apiVersion, obj.kind, name, obj.metadata.name);
      }
    }
    return inVersion(gone, apiVersion);
  }

  /** Every future event (its object frozen, shared by every listener); returns an unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Events after resourceVersion `rv`, or undefined when they are no longer kept (the caller
   * answers 410 Gone, as a real API server does when a watch starts too far back).
   */
  eventsSince(rv: string): StoreEvent[] | undefined {
    const from = Number(rv);
    if (!Number.isFinite(from)) return undefined;
    if (from >= this.revision) return [];
    const oldest = this.history[0]?.rv ?? this.revision + 1;
    if (from < oldest - 1) return undefined;
    return this.history.filter((h) => h.rv > from).map((h) => h.event);
  }

  private mustGet(input: KubeObject): KubeObject {
    const existing = this.objects.get(
      keyOf(input.apiVersion, input.kind, input.metadata.namespace, input.metadata.name),
    );
    if (!existing) {
      throw new StoreConflictError(`${input.kind} "${input.metadata.name}" not found`, 'NotFound');
    }
    return existing;
  }

  private checkVersion(existing: KubeObject, input: KubeObject): void {
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) {
      throw new StoreConflictError(staleWriteMessage(`${input.kind} "${input.metadata.name}"`), 'Conflict');
    }
  }

  /** Store `obj` (the caller's own new object, not yet frozen) in place of `existing`, unless nothing changed. */
  private commit(existing: KubeObject, obj: KubeObject): KubeObject {
    obj.apiVersion = existing.apiVersion;
    if (
      sameJson(
        { ...existing, metadata: { ...existing.metadata, resourceVersion: '' } },
        { ...obj, metadata: { ...obj.metadata, resourceVersion: '' } },
      )
    ) {
      return existing; // a no-op write changes nothing and wakes no watcher, as in Kubernetes
    }
    obj.metadata.resourceVersion = String(++this.revision);
    this.put(keyOf(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name), deepFreeze(obj));
    this.emit('MODIFIED', obj);
    return obj;
  }

  private put(key: string, obj: KubeObject): void {
    this.objects.set(key, obj);
    const kindKey = kindKeyOf(obj.apiVersion, obj.kind);
    let index = this.kinds.get(kindKey);
    if (!index) this.kinds.set(kindKey, (index = new KindIndex()));
    index.set(key, obj);
  }

  private emit(type: WatchEventType, object: KubeObject): void {
    const event: StoreEvent = Object.freeze({ type, object });
    this.history.push({ rv: this.revision, event });
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const listener of [...this.listeners]) listener(event);
  }
}

/** kube-apiserver's words for a write based on an outdated resourceVersion; `what` is `Kind "name"`. */
export function staleWriteMessage(what: string): string {
  return `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`;
}

function desiredState(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, ...rest } = obj;
  return rest;
}

/** String.prototype.localeCompare's order (the same default collator), without looking the collator up per call. */
const collator = new Intl.Collator();

function byNamespaceThenName(a: KubeObject, b: KubeObject): number {
  return (
    collator.compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    collator.compare(a.metadata.name, b.metadata.name)
  );
}

/** A stored object as served in `apiVersion` (another served version of its kind: a frozen shallow copy). */
function inVersion(obj: KubeObject, apiVersion: string): KubeObject {
  return obj.apiVersion === apiVersion ? obj : deepFreeze({ ...obj, apiVersion });
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
