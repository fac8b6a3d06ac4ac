import { objectNotFound } from '../api-error.ts';
import { isDryRun, selectorOf, storedObject, type ResourceRequest } from '../request.ts';
import { sendJson } from '../responses.ts';
import { listOf } from './read.ts';

/** DELETE on an object: answer with the object as it was deleted (a Namespace shows Terminating). */
export function deleteObject(c: ResourceRequest): void {
  if (!storedObject(c)) throw objectNotFound(c);
  if (isDryRun(c)) return sendJson(c.res, 200, storedObject(c));
  const gone = c.server.store.delete(c.apiVersion, c.info.kind, c.namespace, c.name!);
  if (!gone) throw objectNotFound(c);
  const terminating = c.info.kind === 'Namespace' && c.info.group === '';
  sendJson(c.res, 200, {
    ...gone,
    apiVersion: c.apiVersion,
    ...(terminating ? { status: { phase: 'Terminating' } } : {}),
  });
}

/** DELETE on a collection: delete what the selectors match, answer with the deleted objects as a list. */
export function deleteCollection(c: ResourceRequest): void {
  const { store } = c.server;
  const matches = selectorOf(c);
  const items = store.list(c.apiVersion, c.info.kind, c.namespace).filter(matches);
  const deleted = isDryRun(c)
    ? items
    : items.flatMap((o) => store.delete(c.apiVersion, c.info.kind, o.metadata.namespace, o.metadata.name) ?? []);
  sendJson(c.res, 200, listOf(c, deleted));
}
