import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../kube/types.ts';
import { sameJson } from '../json.ts';
import { nowTimestamp } from '../timestamps.ts';

export type { KubeObject, ObjectMeta } from '../../../kube/types.ts';

/**
 * The simulated cluster's object store: what etcd + the generic registry do for a real API server.
 * It owns resourceVersion (one counter for the whole store, as etcd's revision), generation
 * (bumped when anything outside metadata and status changes), uid and creationTimestamp, and it
 * emits watch events. Objects go in and come out as deep copies, so callers cannot mutate state.
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
function keyOf(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${groupOf(apiVersion)}|${kind}|${namespace ?? ''}|${name}`;
}

const HISTORY_LIMIT = 5000;

export class Store {
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  /** Recent events, so a watch that starts at an older resourceVersion misses nothing. */
  private readonly history: { rv: number; event: StoreEvent }[] = [];
  private revision = 1;

  /** The store's current resourceVersion (what a list returns in its metadata). */
  resourceVersion(): string {
    return String(this.revision);
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(keyOf(apiVersion, kind, namespace, name));
    return found && withApiVersion(copy(found), apiVersion);
  }

  /** All objects of a kind, optionally in one namespace, sorted by namespace then name. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const group = groupOf(apiVersion);
    const out: KubeObject[] = [];
    for (const obj of this.objects.values()) {
      if (obj.kind !== kind || groupOf(obj.apiVersion) !== group) continue;
      if (namespace !== undefined && obj.metadata.namespace !== namespace) continue;
      out.push(withApiVersion(copy(obj), apiVersion));
    }
    return out.sort(
      (a, b) =>
        (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
  }

  create(input: KubeObject): KubeObject {
    const key = keyOf(input.apiVersion, input.kind, input.metadata.namespace, input.metadata.name);
    if (this.objects.has(key)) {
      throw new StoreConflictError(`${input.kind} "${input.metadata.name}" already exists`, 'AlreadyExists');
    }
    const obj = copy(input);
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = nowTimestamp();
    obj.metadata.generation = 1;
    obj.metadata.resourceVersion = String(++this.revision);
    this.objects.set(key, obj);
    this.emit({ type: 'ADDED', object: obj });
    return copy(obj);
  }

  /**
   * Replace everything but status (as PUT on the main resource does). Bumps generation when the
   * object's desired state (anything outside metadata and status) changed. If the input carries
   * a resourceVersion it must be current (optimistic concurrency).
   */
  update(input: KubeObject): KubeObject {
    const existing = this.mustGet(input);
    this.checkVersion(existing, input);
    const obj = copy(input);
    obj.metadata = {
      ...obj.metadata,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      generation: existing.metadata.generation,
    };
    if ('status' in existing) obj.status = copy(existing.status);
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
    const obj = copy(existing);
    obj.status = copy(input.status);
    return this.commit(existing, obj);
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = keyOf(apiVersion, kind, namespace, name);
    const existing = this.objects.get(key);
    if (!existing) return undefined;
    this.objects.delete(key);
    const gone = copy(existing);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit({ type: 'DELETED', object: gone });
    // Deleting a namespace removes what lives in it, as the namespace controller does.
    if (kind === 'Namespace' && groupOf(apiVersion) === '') {
      for (const obj of [...this.objects.values()]) {
        if (obj.metadata.namespace === name) this.delete(obj.apiVersion, obj.kind, name, obj.metadata.name);
      }
    }
    return withApiVersion(copy(gone), apiVersion);
  }

  /** Every future event; returns an unsubscribe function. */
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
    return this.history.filter((h) => h.rv > from).map((h) => ({ type: h.event.type, object: copy(h.event.object) }));
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

  private commit(existing: KubeObject, obj: KubeObject): KubeObject {
    obj.apiVersion = existing.apiVersion;
    if (
      sameJson(
        { ...existing, metadata: { ...existing.metadata, resourceVersion: '' } },
        { ...obj, metadata: { ...obj.metadata, resourceVersion: '' } },
      )
    ) {
      return copy(existing); // a no-op write changes nothing and wakes no watcher, as in Kubernetes
    }
    obj.metadata.resourceVersion = String(++this.revision);
    this.objects.set(keyOf(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name), obj);
    this.emit({ type: 'MODIFIED', object: obj });
    return copy(obj);
  }

  private emit(event: StoreEvent): void {
    const stored = { type: event.type, object: copy(event.object) };
    this.history.push({ rv: this.revision, event: stored });
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const listener of [...this.listeners]) listener({ type: stored.type, object: copy(stored.object) });
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

function withApiVersion(obj: KubeObject, apiVersion: string): KubeObject {
  obj.apiVersion = apiVersion;
  return obj;
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
