import type { KubeObject, Store } from '../apiserver/store.ts';
import { StoreConflictError } from '../apiserver/store.ts';
import { sameJson } from '../json.ts';

/** What every part of the controller's reconcile pass shares, and the writes they all make. */
export interface ControllerContext {
  store: Store;
  /** The GatewayClass controllerName this controller answers to. */
  controllerName: string;
  /** A line of the control plane's log (`kubectl logs` of istiod). */
  log(level: 'info' | 'error', message: string): void;
}

/** Create an object unless one of that name exists (a concurrent writer may have made it). */
export function createIfAbsent(store: Store, obj: KubeObject): void {
  try {
    store.create(obj);
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
  }
}

/** Write status only when it differs from what is stored. */
export function writeStatus(ctx: ControllerContext, obj: KubeObject, status: unknown): void {
  const latest = ctx.store.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
  if (!latest || sameJson(latest.status, status)) return;
  const { resourceVersion: _rv, ...metadata } = latest.metadata;
  ctx.store.updateStatus({ ...latest, metadata: metadata as KubeObject['metadata'], status });
  const where = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
  ctx.log('info', `updated status of ${obj.kind} ${where}${obj.metadata.name}`);
}

/** Create `desired` or bring an existing object's labels/owner/spec in line; returns the stored object. */
export function ensureObject(ctx: ControllerContext, desired: KubeObject): KubeObject {
  const { apiVersion, kind, metadata } = desired;
  const existing = ctx.store.get(apiVersion, kind, metadata.namespace, metadata.name);
  if (!existing) {
    ctx.log('info', `creating ${kind} ${metadata.namespace}/${metadata.name}`);
    return ctx.store.create(desired);
  }
  // Only the fields we set are ours; anything others added (defaults, annotations) stays.
  const next: KubeObject = {
    ...existing,
    metadata: { ...existing.metadata, labels: metadata.labels, ownerReferences: metadata.ownerReferences },
    spec: { ...((existing.spec ?? {}) as object), ...((desired.spec ?? {}) as object) },
  };
  if (metadata.annotations)
    next.metadata.annotations = { ...(existing.metadata.annotations ?? {}), ...metadata.annotations };
  if (sameJson({ m: next.metadata, s: next.spec }, { m: existing.metadata, s: existing.spec })) return existing;
  const { resourceVersion: _rv, ...rest } = next.metadata;
  return ctx.store.update({ ...next, metadata: rest as KubeObject['metadata'] });
}
