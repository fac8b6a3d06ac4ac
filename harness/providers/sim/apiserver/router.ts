import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed, notFoundPath, storeError } from './api-error.ts';
import { createObject } from './handlers/create.ts';
import { deleteCollection, deleteObject } from './handlers/delete.ts';
import { injectApiFault } from './faults.ts';
import { serveCoreDiscovery, serveGroup, serveGroupsDiscovery, serveResourceList } from './handlers/discovery.ts';
import { servePodLog } from './handlers/logs.ts';
import { serveHealth, serveOpenApi, serveVersion } from './handlers/non-resource.ts';
import { patchObject } from './handlers/patch.ts';
import { getObject, listObjects } from './handlers/read.ts';
import { updateObject } from './handlers/update.ts';
import { watchObjects } from './handlers/watch.ts';
import { isWatch, type PathRequest, type ResourceRequest, type ServerContext } from './request.ts';
import { apiVersionOf } from './resources.ts';
import { StoreConflictError } from './store.ts';

/**
 * Which handler answers a request. Non-resource paths (health, version, OpenAPI, discovery) are
 * matched on the path alone, whatever the method; resource paths are resolved to a resource,
 * namespace, name and subresource, then matched on method and shape to one verb handler.
 */

type Handler<R> = (r: R) => void | Promise<void>;

interface PathRoute {
  matches(r: PathRequest): boolean;
  handler: Handler<PathRequest>;
}

const HEALTH_PATH = /^\/(healthz|readyz|livez)(\/.*)?$/;

/** Discovery paths by their segments: `/api`, `/apis`, `/apis/<group>`, `/api/<version>`, `/apis/<group>/<version>`. */
const segmentsAre = (root: 'api' | 'apis', count: number) => (r: PathRequest) =>
  r.segments[0] === root && r.segments.length === count;

const PATH_ROUTES: PathRoute[] = [
  { matches: (r) => HEALTH_PATH.test(r.path), handler: serveHealth },
  { matches: (r) => r.path === '/version', handler: serveVersion },
  { matches: (r) => r.path.startsWith('/openapi/'), handler: serveOpenApi },
  { matches: segmentsAre('api', 1), handler: serveCoreDiscovery },
  { matches: segmentsAre('apis', 1), handler: serveGroupsDiscovery },
  { matches: segmentsAre('apis', 2), handler: serveGroup },
  { matches: (r) => segmentsAre('api', 2)(r) || segmentsAre('apis', 3)(r), handler: serveResourceList },
];

/** The paths anyone may read without credentials (probes and the version). */
export function isPublicPath(path: string): boolean {
  return /^\/(version|healthz|readyz|livez)(\/.*)?$/.test(path);
}

interface VerbRoute {
  method: string;
  /** The collection (no name) or one object. */
  target: 'collection' | 'object';
  /** Subresources this route serves on an object; none given: the object itself only. */
  subresources?: (string | undefined)[];
  when?: (c: ResourceRequest) => boolean;
  handler: Handler<ResourceRequest>;
}

const VERB_ROUTES: VerbRoute[] = [
  { method: 'GET', target: 'collection', when: isWatch, handler: watchObjects },
  { method: 'GET', target: 'collection', handler: listObjects },
  { method: 'GET', target: 'object', subresources: [undefined, 'status'], handler: getObject },
  { method: 'GET', target: 'object', subresources: ['log'], handler: servePodLog },
  { method: 'POST', target: 'collection', handler: createObject },
  { method: 'PUT', target: 'object', subresources: [undefined, 'status'], handler: updateObject },
  { method: 'PATCH', target: 'object', subresources: [undefined, 'status'], handler: patchObject },
  { method: 'DELETE', target: 'collection', handler: deleteCollection },
  { method: 'DELETE', target: 'object', handler: deleteObject },
];

function verbRouteFor(c: ResourceRequest): VerbRoute | undefined {
  const target = c.name === undefined ? 'collection' : 'object';
  return VERB_ROUTES.find(
    (r) =>
      r.method === c.req.method &&
      r.target === target &&
      (r.subresources ?? [undefined]).includes(c.sub) &&
      (r.when?.(c) ?? true),
  );
}

/** Answer one request (errors are thrown, for the caller to send as a Status). */
export async function routeRequest(server: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  // The fault middleware (--sim-faults) comes first: it may delay the request or answer it itself.
  if (server.faults && (await injectApiFault(server.faults, req, res, path))) return;
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const pathRequest: PathRequest = { req, res, server, path, segments };
  const pathRoute = PATH_ROUTES.find((r) => r.matches(pathRequest));
  if (pathRoute) return pathRoute.handler(pathRequest);

  const c = resolveResource(pathRequest, url);
  const verb = verbRouteFor(c);
  if (!verb) throw methodNotAllowed();
  try {
    await verb.handler(c);
  } catch (err) {
    throw err instanceof StoreConflictError ? storeError(c, err) : err;
  }
}

/** Whether `rest` (after the group/version) addresses a Namespace itself rather than objects in one. */
function isNamespaceItself(group: string, rest: string[]): boolean {
  return (
    group === '' &&
    rest[0] === 'namespaces' &&
    (rest.length === 2 || (rest.length === 3 && ['status', 'finalize'].includes(rest[2])))
  );
}

/**
 * `/api/<v>/...` or `/apis/<g>/<v>/...` as a resource request: `[namespaces/<ns>/]<plural>[/<name>[/<sub>]]`.
 * Anything the registry does not serve there is the mux's 404. Namespaced resources are listed
 * and watched across namespaces without the `namespaces/<ns>` prefix; nothing else is.
 */
function resolveResource(r: PathRequest, url: URL): ResourceRequest {
  const parts = r.segments;
  let group: string, version: string, rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) [group, version, rest] = ['', parts[1], parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3) [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  else throw notFoundPath();

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !isNamespaceItself(group, rest)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, sub] = rest;
  const info = r.server.registry.find(group, version, plural);
  if (!info || rest.length > 3) throw notFoundPath();
  const listedAcrossNamespaces = info.namespaced && name === undefined && r.req.method === 'GET';
  if (info.namespaced !== (namespace !== undefined) && !listedAcrossNamespaces) throw notFoundPath();
  if (sub !== undefined && !((sub === 'status' && info.status) || (sub === 'log' && info.log))) throw notFoundPath();
  return { req: r.req, res: r.res, server: r.server, url, info, namespace, name, sub, apiVersion: apiVersionOf(info) };
}
