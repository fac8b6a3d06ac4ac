import { notFoundPath } from '../api-error.ts';
import {
  aggregatedDiscovery,
  AGGREGATED_V2,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from '../discovery-documents.ts';
import type { PathRequest } from '../request.ts';
import { sendJson } from '../responses.ts';

/**
 * The discovery endpoints: /api and /apis (legacy, or aggregated when the client asks for it),
 * /apis/<group>, and the resource lists /api/v1 and /apis/<group>/<version>.
 */

export function serveCoreDiscovery(r: PathRequest): void {
  if (wantsAggregated(r.req.headers.accept)) {
    return sendJson(r.res, 200, aggregatedDiscovery(r.server.registry, true), AGGREGATED_V2);
  }
  sendJson(r.res, 200, apiVersions(r.req.headers.host ?? '127.0.0.1'));
}

export function serveGroupsDiscovery(r: PathRequest): void {
  if (wantsAggregated(r.req.headers.accept)) {
    return sendJson(r.res, 200, aggregatedDiscovery(r.server.registry, false), AGGREGATED_V2);
  }
  sendJson(r.res, 200, apiGroupList(r.server.registry));
}

/** /apis/<group>. */
export function serveGroup(r: PathRequest): void {
  const doc = apiGroupDoc(r.server.registry, r.segments[1]);
  if (!doc) throw notFoundPath();
  sendJson(r.res, 200, doc);
}

/** /api/<version> (core group) or /apis/<group>/<version>. */
export function serveResourceList(r: PathRequest): void {
  const [group, version] = r.segments[0] === 'api' ? ['', r.segments[1]] : [r.segments[1], r.segments[2]];
  const resources = r.server.registry.inGroupVersion(group, version);
  if (!resources.length) throw notFoundPath();
  sendJson(r.res, 200, apiResourceList(group, version, resources));
}
