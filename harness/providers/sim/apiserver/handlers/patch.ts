import { ApiError, badRequest, invalidPatch, objectNotFound } from '../api-error.ts';
import { serverSideApply } from '../apply.ts';
import { jsonPatch, mergePatch, PatchError } from '../patch-formats.ts';
import { checkBody, decodeBody, readBody } from '../request-body.ts';
import { contentTypeOf, storedObject, type ResourceRequest } from '../request.ts';
import { sendJson } from '../responses.ts';
import type { KubeObject } from '../store.ts';
import { ensureNamespaceExists, prepareForCreate, storeNewObject } from './create.ts';
import { persistWrite, recordWrite } from './update.ts';

/**
 * PATCH on an object or its status, by content type: server-side apply (which may create),
 * JSON merge patch (strategic merge patch is treated as one) and JSON patch.
 */

const APPLY = 'application/apply-patch+yaml';
const MERGE_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json'];
const JSON_PATCH = 'application/json-patch+json';

function unsupportedPatchMessage(): string {
  return (
    'the body of the request was in an unknown format - accepted media types include: ' +
    `${JSON_PATCH}, application/merge-patch+json, ${APPLY}`
  );
}

export async function patchObject(c: ResourceRequest): Promise<void> {
  const type = contentTypeOf(c);
  const text = await readBody(c.req);
  const existing = storedObject(c);
  if (type === APPLY) return applyObject(c, text, existing);
  const patched = patchedObject(c, type, text, existing);
  const obj = checkBody(c, patched);
  sendJson(c.res, 200, persistWrite(c, existing!, recordWrite(c, existing!, obj)));
}

/** Server-side apply: `?fieldManager` is required; `?force=true` takes fields other managers own. */
function applyObject(c: ResourceRequest, text: string, existing: KubeObject | undefined): void {
  const manager = c.url.searchParams.get('fieldManager');
  if (!manager) throw badRequest('PATCH request with apply content type requires fieldManager');
  const applied = checkBody(c, decodeBody(text, 'yaml'));
  const force = c.url.searchParams.get('force') === 'true';
  if (!existing) {
    if (c.sub) throw objectNotFound(c);
    ensureNamespaceExists(c);
    return storeNewObject(c, serverSideApply(undefined, prepareForCreate(c, applied), { manager, force }));
  }
  const next = serverSideApply(existing, applied, { manager, force, subresource: c.sub });
  sendJson(c.res, 200, persistWrite(c, existing, next));
}

/** The object a merge or JSON patch produces; a patch that does not apply is 422 Invalid. */
function patchedObject(c: ResourceRequest, type: string, text: string, existing: KubeObject | undefined): unknown {
  const patch = MERGE_TYPES.includes(type) ? mergePatch : type === JSON_PATCH ? jsonPatch : undefined;
  if (!patch) throw new ApiError(415, 'UnsupportedMediaType', unsupportedPatchMessage());
  const body = decodeBody(text, 'json');
  if (!existing) throw objectNotFound(c);
  try {
    return patch(existing, body);
  } catch (err) {
    if (err instanceof PatchError) throw invalidPatch(c, err.message);
    throw err;
  }
}
