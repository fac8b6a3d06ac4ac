import { objectNotFound } from '../api-error.ts';
import { recordUpdate } from '../apply.ts';
import { readObject } from '../request-body.ts';
import { isDryRun, managerOf, storedObject, type ResourceRequest } from '../request.ts';
import { sendJson } from '../responses.ts';
import type { KubeObject } from '../store.ts';

/** PUT on an object or its status: replace it, recording the writer in managedFields. */
export async function updateObject(c: ResourceRequest): Promise<void> {
  const body = await readObject(c);
  const existing = storedObject(c);
  if (!existing) throw objectNotFound(c);
  sendJson(c.res, 200, persistWrite(c, existing, recordWrite(c, existing, body)));
}

/**
 * The object a non-apply write (PUT, merge or JSON patch) leaves, with managedFields updated:
 * on /status only the body's status (and resourceVersion, for the concurrency check) counts.
 */
export function recordWrite(c: ResourceRequest, existing: KubeObject, body: KubeObject): KubeObject {
  const written =
    c.sub === 'status'
      ? {
          ...existing,
          status: body.status,
          metadata: { ...existing.metadata, resourceVersion: body.metadata.resourceVersion },
        }
      : body;
  return recordUpdate(existing, written, { manager: managerOf(c), apiVersion: c.apiVersion, subresource: c.sub });
}

/** Store a main-resource or status write; a status write's managedFields go in a second write. */
export function persistWrite(c: ResourceRequest, existing: KubeObject, next: KubeObject): KubeObject {
  if (isDryRun(c)) return next;
  const { store } = c.server;
  next.metadata.name = existing.metadata.name;
  next.metadata.namespace = existing.metadata.namespace;
  next.kind = existing.kind;
  next.apiVersion = c.apiVersion;
  if (c.sub !== 'status') return { ...store.update(next), apiVersion: c.apiVersion };
  let out = store.updateStatus(next);
  if (JSON.stringify(out.metadata.managedFields) !== JSON.stringify(next.metadata.managedFields)) {
    const withFields = { ...out, metadata: { ...out.metadata, managedFields: next.metadata.managedFields } };
    if (!withFields.metadata.managedFields) delete withFields.metadata.managedFields;
    out = store.update(withFields);
  }
  return { ...out, apiVersion: c.apiVersion };
}
