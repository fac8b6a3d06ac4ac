import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import YAML from 'yaml';
import { ApplyConflictError, recordUpdate, serverSideApply } from './apply.ts';
import {
  aggregatedDiscovery,
  AGGREGATED_V2,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery.ts';
import { jsonPatch, mergePatch, PatchError } from './patch.ts';
import {
  apiVersionOf,
  crdStatus,
  qualifiedResource,
  ResourceRegistry,
  seedCluster,
  type ResourceInfo,
} from './resources.ts';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import { StoreConflictError, type KubeObject, type Store } from './store.ts';
import { toTable, wantsTable, type IncludeObject } from './table.ts';
import { serveWatch } from './watch.ts';

/**
 * The simulated cluster's Kubernetes API server: plain HTTP on 127.0.0.1, bearer-token auth,
 * discovery (legacy and aggregated), get/list/watch/create/update/patch/delete on the resources
 * of ResourceRegistry, the status subresource, pods/log, server-side apply and Table output.
 * It is what kubectl and @kubernetes/client-node talk to in the `sim` provider.
 */

export interface SimApiServer {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

export interface StartApiServerOptions {
  store: Store;
  port?: number;
  podLogs?: (namespace: string, pod: string, container?: string) => string | undefined;
}

/** What /version reports: the Kubernetes release of the pinned kind node image. */
export const SIM_VERSION = { major: '1', minor: '36', gitVersion: 'v1.36.4+kindgate-sim' };

const tokens = new WeakMap<SimApiServer, string>();
const PUBLIC_PATHS = /^\/(version|healthz|readyz|livez)(\/.*)?$/;
const MAX_BODY = 16 * 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

export async function startApiServer(opts: StartApiServerOptions): Promise<SimApiServer> {
  const { store } = opts;
  seedCluster(store);
  const registry = new ResourceRegistry(store);
  const token = randomBytes(24).toString('hex');
  const watches = new Set<() => void>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    // kubectl (client-go) sends no credentials over plain HTTP, so anonymous requests are allowed
    // (loopback only); a client that does present credentials must present the kubeconfig's token.
    const auth = req.headers.authorization;
    if (!PUBLIC_PATHS.test(path) && auth !== undefined && auth !== `Bearer ${token}`) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    if (/^\/(healthz|readyz|livez)(\/.*)?$/.test(path)) return sendText(res, 200, 'ok');
    if (path === '/version')
      return sendJson(res, 200, {
        ...SIM_VERSION,
        gitCommit: '',
        gitTreeState: 'clean',
        buildDate: '',
        goVersion: '',
        compiler: 'gc',
        platform: `${process.platform}/${process.arch}`,
      });
    if (path.startsWith('/openapi/')) return serveOpenApi(req, res, path);

    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const accept = req.headers.accept;
    if (parts[0] === 'api' && parts.length === 1) {
      if (wantsAggregated(accept)) return sendJson(res, 200, aggregatedDiscovery(registry, true), AGGREGATED_V2);
      return sendJson(res, 200, apiVersions(req.headers.host ?? '127.0.0.1'));
    }
    if (parts[0] === 'apis' && parts.length === 1) {
      if (wantsAggregated(accept)) return sendJson(res, 200, aggregatedDiscovery(registry, false), AGGREGATED_V2);
      return sendJson(res, 200, apiGroupList(registry));
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const doc = apiGroupDoc(registry, parts[1]);
      if (!doc) throw notFoundPath();
      return sendJson(res, 200, doc);
    }
    let group: string, version: string, rest: string[];
    if (parts[0] === 'api' && parts.length >= 2) [group, version, rest] = ['', parts[1], parts.slice(2)];
    else if (parts[0] === 'apis' && parts.length >= 3) [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
    else throw notFoundPath();

    if (rest.length === 0) {
      const resources = registry.inGroupVersion(group, version);
      if (!resources.length) throw notFoundPath();
      return sendJson(res, 200, apiResourceList(group, version, resources));
    }
    let namespace: string | undefined;
    const namespaceItself =
      group === '' &&
      rest[0] === 'namespaces' &&
      (rest.length === 2 || (rest.length === 3 && ['status', 'finalize'].includes(rest[2])));
    if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceItself) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, sub] = rest;
    const info = registry.find(group, version, plural);
    if (!info || rest.length > 3) throw notFoundPath();
    if (
      info.namespaced !== (namespace !== undefined) &&
      !(info.namespaced && name === undefined && req.method === 'GET')
    ) {
      throw notFoundPath();
    }
    if (sub !== undefined && !((sub === 'status' && info.status) || (sub === 'log' && info.log))) throw notFoundPath();
    const ctx: Ctx = { req, res, url, info, namespace, name, sub, apiVersion: apiVersionOf(info) };
    try {
      await dispatch(ctx);
    } catch (err) {
      throw err instanceof StoreConflictError ? storeError(ctx, err) : err;
    }
  }

  async function dispatch(ctx: Ctx): Promise<void> {
    const { req, url, name, sub } = ctx;
    switch (req.method) {
      case 'GET':
        if (name === undefined)
          return url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1'
            ? watch(ctx)
            : list(ctx);
        return sub === 'log' ? podLog(ctx) : get(ctx);
      case 'POST':
        if (name !== undefined) break;
        return create(ctx);
      case 'PUT':
        if (name === undefined || sub === 'log') break;
        return update(ctx);
      case 'PATCH':
        if (name === undefined || sub === 'log') break;
        return patch(ctx);
      case 'DELETE':
        if (sub !== undefined) break;
        return name === undefined ? deleteCollection(ctx) : remove(ctx);
    }
    throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  // ---- verbs -------------------------------------------------------------------------------

  interface Ctx {
    req: IncomingMessage;
    res: ServerResponse;
    url: URL;
    info: ResourceInfo;
    namespace?: string;
    name?: string;
    sub?: string;
    apiVersion: string;
  }

  const notFound = (c: Ctx, name = c.name) =>
    new ApiError(404, 'NotFound', `${qualifiedResource(c.info)} "${name}" not found`, details(c, name));
  const details = (c: Ctx, name = c.name) => ({ name, group: c.info.group, kind: c.info.plural });

  /** The store's errors, worded and shaped as kube-apiserver words them. */
  function storeError(c: Ctx, err: StoreConflictError): ApiError {
    const what = `${qualifiedResource(c.info)} "${c.name}"`;
    if (err.reason === 'NotFound') return notFound(c);
    if (err.reason === 'AlreadyExists') return new ApiError(409, 'AlreadyExists', `${what} already exists`, details(c));
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`,
      details(c),
    );
  }

  function current(c: Ctx): KubeObject | undefined {
    return store.get(c.apiVersion, c.info.kind, c.namespace, c.name!);
  }

  function selected(c: Ctx): (obj: KubeObject) => boolean {
    try {
      const labels = parseLabelSelector(c.url.searchParams.get('labelSelector'));
      const fields = parseFieldSelector(c.url.searchParams.get('fieldSelector'), c.info.kind);
      return (obj) => labels(obj) && fields(obj);
    } catch (err) {
      if (err instanceof SelectorError) throw new ApiError(400, 'BadRequest', err.message);
      throw err;
    }
  }

  function render(c: Ctx, objects: KubeObject[], single: boolean): unknown {
    if (wantsTable(c.req.headers.accept)) {
      const include = (c.url.searchParams.get('includeObject') ?? 'Metadata') as IncludeObject;
      return toTable(c.info, objects, {
        resourceVersion: single ? undefined : store.resourceVersion(),
        includeObject: include,
      });
    }
    if (single) return objects[0];
    return {
      kind: `${c.info.kind}List`,
      apiVersion: c.apiVersion,
      metadata: { resourceVersion: store.resourceVersion() },
      items: objects,
    };
  }

  function list(c: Ctx): void {
    const matches = selected(c);
    const items = store.list(c.apiVersion, c.info.kind, c.namespace).filter(matches);
    sendJson(c.res, 200, render(c, items, false));
  }

  function get(c: Ctx): void {
    const obj = current(c);
    if (!obj) throw notFound(c);
    sendJson(c.res, 200, render(c, [obj], true));
  }

  function watch(c: Ctx): void {
    const matches = selected(c);
    const table = wantsTable(c.req.headers.accept);
    const stop = serveWatch(c.res, {
      store,
      info: c.info,
      namespace: c.namespace,
      query: c.url.searchParams,
      matches,
      render: (obj) =>
        table
          ? toTable(c.info, [obj], {
              includeObject: (c.url.searchParams.get('includeObject') ?? 'Metadata') as IncludeObject,
            })
          : { ...obj, apiVersion: c.apiVersion },
    });
    watches.add(stop);
    c.res.on('close', () => watches.delete(stop));
  }

  function podLog(c: Ctx): void {
    const container = c.url.searchParams.get('container') ?? undefined;
    const pod = current(c);
    let text = opts.podLogs?.(c.namespace!, c.name!, container);
    if (text === undefined && !pod) throw notFound(c);
    text ??= '';
    const tail = Number(c.url.searchParams.get('tailLines'));
    if (c.url.searchParams.has('tailLines') && tail >= 0) {
      const lines = text.replace(/\n$/, '').split('\n');
      text = tail === 0 ? '' : lines.slice(-tail).join('\n') + '\n';
    }
    sendText(c.res, 200, text);
  }

  async function create(c: Ctx): Promise<void> {
    const body = await readObject(c);
    if (!body.metadata.name && typeof body.metadata.generateName === 'string') {
      body.metadata.name = body.metadata.generateName + randomBytes(3).toString('hex').slice(0, 5);
    }
    validateName(c, body.metadata.name);
    c.name = body.metadata.name;
    ensureNamespace(c);
    let obj = prepareForCreate(c, body);
    obj = recordUpdate(undefined, obj, { manager: managerOf(c), apiVersion: c.apiVersion });
    if (dryRun(c)) return sendJson(c.res, 201, obj);
    sendJson(c.res, 201, { ...store.create(obj), apiVersion: c.apiVersion });
  }

  async function update(c: Ctx): Promise<void> {
    const body = await readObject(c);
    const existing = current(c);
    if (!existing) throw notFound(c);
    const next = recordUpdate(
      existing,
      c.sub === 'status'
        ? {
            ...existing,
            status: body.status,
            metadata: { ...existing.metadata, resourceVersion: body.metadata.resourceVersion },
          }
        : body,
      {
        manager: managerOf(c),
        apiVersion: c.apiVersion,
        subresource: c.sub,
      },
    );
    sendJson(c.res, 200, write(c, existing, next));
  }

  async function patch(c: Ctx): Promise<void> {
    const type = (c.req.headers['content-type'] ?? '').split(';')[0].trim();
    const text = await readBody(c.req);
    const existing = current(c);
    if (type === 'application/apply-patch+yaml') {
      const manager = c.url.searchParams.get('fieldManager');
      if (!manager)
        throw new ApiError(400, 'BadRequest', 'PATCH request with apply content type requires fieldManager');
      const applied = checkBody(c, parse(text, 'yaml'));
      const force = c.url.searchParams.get('force') === 'true';
      if (!existing) {
        if (c.sub) throw notFound(c);
        ensureNamespace(c);
        const obj = serverSideApply(undefined, prepareForCreate(c, applied), { manager, force });
        if (dryRun(c)) return sendJson(c.res, 201, obj);
        return sendJson(c.res, 201, { ...store.create(obj), apiVersion: c.apiVersion });
      }
      const next = serverSideApply(existing, applied, { manager, force, subresource: c.sub });
      return sendJson(c.res, 200, write(c, existing, next));
    }
    let patched: unknown;
    try {
      if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
        const body = parse(text, 'json');
        if (!existing) throw notFound(c);
        patched = mergePatch(existing, body);
      } else if (type === 'application/json-patch+json') {
        const body = parse(text, 'json');
        if (!existing) throw notFound(c);
        patched = jsonPatch(existing, body);
      } else {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      }
    } catch (err) {
      if (err instanceof PatchError) throw new ApiError(422, 'Invalid', err.message, details(c));
      throw err;
    }
    const obj = checkBody(c, patched);
    const next = recordUpdate(
      existing!,
      c.sub === 'status'
        ? {
            ...existing!,
            status: obj.status,
            metadata: { ...existing!.metadata, resourceVersion: obj.metadata.resourceVersion },
          }
        : obj,
      {
        manager: managerOf(c),
        apiVersion: c.apiVersion,
        subresource: c.sub,
      },
    );
    sendJson(c.res, 200, write(c, existing!, next));
  }

  function remove(c: Ctx): void {
    if (!current(c)) throw notFound(c);
    if (dryRun(c)) return sendJson(c.res, 200, current(c));
    const gone = store.delete(c.apiVersion, c.info.kind, c.namespace, c.name!);
    if (!gone) throw notFound(c);
    if (c.info.kind === 'Namespace' && c.info.group === '') gone.status = { phase: 'Terminating' };
    sendJson(c.res, 200, { ...gone, apiVersion: c.apiVersion });
  }

  function deleteCollection(c: Ctx): void {
    const matches = selected(c);
    const items = store.list(c.apiVersion, c.info.kind, c.namespace).filter(matches);
    const deleted = dryRun(c)
      ? items
      : items.flatMap((o) => store.delete(c.apiVersion, c.info.kind, o.metadata.namespace, o.metadata.name) ?? []);
    sendJson(c.res, 200, {
      kind: `${c.info.kind}List`,
      apiVersion: c.apiVersion,
      metadata: { resourceVersion: store.resourceVersion() },
      items: deleted,
    });
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Store a main-resource or status write; a status write's managedFields go in a second write. */
  function write(c: Ctx, existing: KubeObject, next: KubeObject): KubeObject {
    if (dryRun(c)) return next;
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

  /** What the registry's PrepareForCreate does: no status from clients, defaults some kinds set. */
  function prepareForCreate(c: Ctx, body: KubeObject): KubeObject {
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

  function ensureNamespace(c: Ctx): void {
    if (c.namespace !== undefined && !store.get('v1', 'Namespace', undefined, c.namespace)) {
      throw new ApiError(404, 'NotFound', `namespaces "${c.namespace}" not found`, {
        name: c.namespace,
        kind: 'namespaces',
      });
    }
  }

  function validateName(c: Ctx, name: unknown): void {
    const problem =
      typeof name !== 'string' || !name
        ? { type: 'FieldValueRequired', message: 'Required value: name or generateName is required' }
        : name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)
          ? {
              type: 'FieldValueInvalid',
              message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
            }
          : undefined;
    if (problem) {
      throw new ApiError(
        422,
        'Invalid',
        `${c.info.kind} "${String(name ?? '')}" is invalid: metadata.name: ${problem.message}`,
        {
          name: name ?? '',
          group: c.info.group,
          kind: c.info.kind,
          causes: [{ reason: problem.type, message: problem.message, field: 'metadata.name' }],
        },
      );
    }
  }

  async function readObject(c: Ctx): Promise<KubeObject> {
    const type = (c.req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
    if (!['application/json', 'application/yaml', '*/*', ''].includes(type)) {
      // kubectl's typed generators (`kubectl create configmap|secret|namespace`, `run`, `expose`)
      // send protobuf, which the sim does not decode; `kubectl apply -f` / `create -f` send JSON.
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format (${type}) - accepted media types include: application/json, application/yaml (the kindgate sim decodes no protobuf: use kubectl apply -f or create -f)`,
      );
    }
    return checkBody(c, parse(await readBody(c.req), type === 'application/yaml' ? 'yaml' : 'json'));
  }

  /** Fill and check apiVersion, kind, name and namespace against the URL (as the real server does). */
  function checkBody(c: Ctx, value: unknown): KubeObject {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new ApiError(400, 'BadRequest', 'the request body must be an object');
    const obj = value as KubeObject;
    obj.metadata = obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : ({} as KubeObject['metadata']);
    if (obj.apiVersion && obj.apiVersion !== c.apiVersion) {
      throw new ApiError(
        400,
        'BadRequest',
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${c.apiVersion})`,
      );
    }
    if (obj.kind && obj.kind !== c.info.kind) {
      throw new ApiError(
        400,
        'BadRequest',
        `the kind in the data (${obj.kind}) does not match the expected kind (${c.info.kind})`,
      );
    }
    obj.apiVersion = c.apiVersion;
    obj.kind = c.info.kind;
    if (c.name !== undefined) {
      if (obj.metadata.name && obj.metadata.name !== c.name) {
        throw new ApiError(
          400,
          'BadRequest',
          `the name of the object (${obj.metadata.name}) does not match the name on the URL (${c.name})`,
        );
      }
      obj.metadata.name = c.name;
    }
    if (c.info.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== c.namespace) {
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = c.namespace;
    } else delete obj.metadata.namespace;
    return obj;
  }

  function managerOf(c: Ctx): string {
    return (
      c.url.searchParams.get('fieldManager') ||
      String(c.req.headers['user-agent'] ?? 'unknown').split('/')[0] ||
      'unknown'
    );
  }

  const dryRun = (c: Ctx) => c.url.searchParams.getAll('dryRun').includes('All');

  function serveOpenApi(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (path !== '/openapi/v2') throw notFoundPath();
    // kubectl's client-side validation downloads the v2 document as protobuf; an empty document
    // (swagger "2.0", no definitions) makes it skip schema checks rather than fail.
    if ((req.headers.accept ?? '').includes('protobuf')) {
      res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
      res.end(Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]));
      return;
    }
    sendJson(res, 200, {
      swagger: '2.0',
      info: { title: 'kindgate-sim', version: SIM_VERSION.gitVersion },
      paths: {},
      definitions: {},
    });
  }

  function sendError(res: ServerResponse, err: unknown): void {
    let status: Record<string, unknown>;
    if (err instanceof ApiError) status = statusBody(err.code, err.reason, err.message, err.details);
    else if (err instanceof ApplyConflictError) {
      status = statusBody(409, 'Conflict', err.message, {
        causes: err.conflicts.map((x) => ({
          reason: 'FieldManagerConflict',
          message: `conflict with "${x.manager}"`,
          field: x.field,
        })),
      });
    } else if (err instanceof StoreConflictError) {
      const code = err.reason === 'NotFound' ? 404 : 409;
      status = statusBody(code, err.reason, err.message);
    } else
      status = statusBody(
        500,
        'InternalError',
        `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
      );
    if (res.headersSent) {
      res.end();
      return;
    }
    sendJson(res, status.code as number, status);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const api: SimApiServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    async close() {
      for (const stop of [...watches]) stop();
      registry.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  tokens.set(api, token);
  return api;
}

/**
 * A kubeconfig for the server: cluster `<contextName>` at its URL, a user with its static token,
 * a context of that name (current). The text contains the token: write it to a private file,
 * never log it.
 */
export function kubeconfigFor(server: SimApiServer, contextName = 'kindgate-sim'): string {
  const token = tokens.get(server);
  if (!token) throw new Error('kubeconfigFor needs a server returned by startApiServer');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http:// unless the cluster entry says insecure-skip-tls-verify.
    clusters: [{ name: contextName, cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: `${contextName}-user`, user: { token } }],
    contexts: [
      { name: contextName, context: { cluster: contextName, user: `${contextName}-user`, namespace: 'default' } },
    ],
    'current-context': contextName,
    preferences: {},
  });
}

// ---- plumbing --------------------------------------------------------------------------------

function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {
    causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }],
  });
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parse(text: string, format: 'json' | 'yaml'): unknown {
  try {
    return format === 'json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ApiError(
      400,
      'BadRequest',
      `the request body could not be decoded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
}
