import { randomBytes } from 'node:crypto';
import { ApiError, namespaceNotFound } from '../api-error.ts';
import { recordUpdate } from '../apply.ts';
import { readObject } from '../request-body.ts';
import { isDryRun, managerOf, type ResourceRequest } from '../request.ts';
import { crdStatus } from '../resources.ts';
import { sendJson } from '../responses.ts';
import type { ResourceInfo } from '../resources.ts';
import type { KubeObject } from '../store.ts';

/** POST on a collection: create one object (generateName, name checks, defaults, managedFields). */
export async function createObject(c: ResourceRequest): Promise<void> {
  const body = await readObject(c);
  if (!body.metadata.name && typeof body.metadata.generateName === 'string') {
    body.metadata.name = body.metadata.generateName + randomBytes(3).toString('hex').slice(0, 5);
  }
  checkObjectName(c.info, body.metadata.name);
  c.name = body.metadata.name;
  ensureNamespaceExists(c);
  const obj = recordUpdate(undefined, prepareForCreate(c, body), { manager: managerOf(c), apiVersion: c.apiVersion });
  storeNewObject(c, obj);
}

/** Store a new object and answer 201 with it (a dry run answers without storing). */
export function storeNewObject(c: ResourceRequest, obj: KubeObject): void {
  if (isDryRun(c)) return sendJson(c.res, 201, obj);
  sendJson(c.res, 201, { ...c.server.store.create(obj), apiVersion: c.apiVersion });
}

/** What the registry's PrepareForCreate does: no status from clients, defaults some kinds set. */
export function prepareForCreate(c: ResourceRequest, body: KubeObject): KubeObject {
  const obj = structuredClone(body);
  if (c.info.status) delete obj.status;
  if (c.info.kind === 'Namespace' && c.info.group === '') obj.status = { phase: 'Active' };
  if (c.info.kind === 'CustomResourceDefinition' && c.info.group === 'apiextensions.k8s.io') {
    const spec = (obj.spec ?? {}) as { names?: unknown; versions?: { name: string; storage?: boolean }[] };
    const storage = spec.versions?.find((v) => v.storage)?.name ?? spec.versions?.[0]?.name;
    obj.status = crdStatus(spec.names, storage ? [storage] : []);
  }
  return obj;
}

/** Objects are created only in a namespace that exists (the NamespaceLifecycle admission plugin). */
export function ensureNamespaceExists(c: ResourceRequest): void {
  if (c.namespace !== undefined && !c.server.store.get('v1', 'Namespace', undefined, c.namespace)) {
    throw namespaceNotFound(c.namespace);
  }
}

const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function invalidNameMessage(name: string): string {
  return (
    `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ` +
    `'-' or '.', and must start and end with an alphanumeric character`
  );
}

/** metadata.name as the API server validates it on create: required, an RFC 1123 subdomain. */
function checkObjectName(info: ResourceInfo, name: unknown): void {
  const problem =
    typeof name !== 'string' || !name
      ? { type: 'FieldValueRequired', message: 'Required value: name or generateName is required' }
      : name.length > 253 || !RFC1123_SUBDOMAIN.test(name)
        ? { type: 'FieldValueInvalid', message: invalidNameMessage(name) }
        : undefined;
  if (!problem) return;
  throw new ApiError(
    422,
    'Invalid',
    `${info.kind} "${String(name ?? '')}" is invalid: metadata.name: ${problem.message}`,
    {
      name: name ?? '',
      group: info.group,
      kind: info.kind,
      causes: [{ reason: problem.type, message: problem.message, field: 'metadata.name' }],
    },
  );
}
