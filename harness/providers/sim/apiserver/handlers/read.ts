import { objectNotFound } from '../api-error.ts';
import { selectorOf, storedObject, type ResourceRequest } from '../request.ts';
import { sendJson } from '../responses.ts';
import type { KubeObject } from '../store.ts';
import { toTable, wantsTable, type IncludeObject } from '../table.ts';

/** get and list, answered as objects, a `<Kind>List`, or a Table when the client asks for one (kubectl get). */

/** `?includeObject=` of a Table request (kubectl asks for Metadata by default). */
export function includeObjectOf(c: ResourceRequest): IncludeObject {
  return (c.url.searchParams.get('includeObject') ?? 'Metadata') as IncludeObject;
}

/** A `<Kind>List` of objects at the store's current resourceVersion. */
export function listOf(c: ResourceRequest, items: KubeObject[]): Record<string, unknown> {
  return {
    kind: `${c.info.kind}List`,
    apiVersion: c.apiVersion,
    metadata: { resourceVersion: c.server.store.resourceVersion() },
    items,
  };
}

function render(c: ResourceRequest, objects: KubeObject[], single: boolean): unknown {
  if (wantsTable(c.req.headers.accept)) {
    return toTable(c.info, objects, {
      resourceVersion: single ? undefined : c.server.store.resourceVersion(),
      includeObject: includeObjectOf(c),
    });
  }
  return single ? objects[0] : listOf(c, objects);
}

export function getObject(c: ResourceRequest): void {
  const obj = storedObject(c);
  if (!obj) throw objectNotFound(c);
  sendJson(c.res, 200, render(c, [obj], true));
}

export function listObjects(c: ResourceRequest): void {
  const matches = selectorOf(c);
  const items = c.server.store.list(c.apiVersion, c.info.kind, c.namespace).filter(matches);
  sendJson(c.res, 200, render(c, items, false));
}
