import type { HTTPRequestRedirectFilter, HTTPRouteMatch } from '../../../kube/gateway-api.ts';
import type { Exchange } from './exchange.ts';
import { redirectLocation } from './url-filters.ts';

/** Answers the proxy gives itself, without an upstream: Envoy's local replies and direct responses. */

export interface LocalReply {
  status: number;
  flags: string;
  details: string;
  body?: string;
}

export const NO_ROUTE: LocalReply = { status: 404, flags: 'NR', details: 'route_not_found' };
/** No backendRef can be used (the spec requires a 500). */
export const INVALID_BACKEND: LocalReply = { status: 500, flags: '-', details: 'direct_response' };
export const CLUSTER_NOT_FOUND: LocalReply = { status: 500, flags: 'NC', details: 'cluster_not_found' };
export const NO_HEALTHY_UPSTREAM: LocalReply = {
  status: 503,
  flags: 'UH',
  details: 'no_healthy_upstream',
  body: 'no healthy upstream',
};
export const CONNECTION_FAILURE: LocalReply = {
  status: 503,
  flags: 'UF',
  details: 'upstream_reset_before_response_started{connection_failure}',
  body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
};

export function replyLocally(ex: Exchange, serverHeader: string, reply: LocalReply): void {
  const body = reply.body ?? '';
  ex.req.resume();
  ex.res.writeHead(reply.status, {
    server: serverHeader,
    date: new Date().toUTCString(),
    'content-length': Buffer.byteLength(body),
    ...(body ? { 'content-type': 'text/plain' } : {}),
  });
  ex.res.end(body);
  ex.finish({ status: reply.status, flags: reply.flags, details: reply.details });
}

/** RequestRedirect: the proxy answers with the Location (302 unless the filter says otherwise). */
export function replyWithRedirect(
  ex: Exchange,
  serverHeader: string,
  redirect: HTTPRequestRedirectFilter,
  match: HTTPRouteMatch,
  listenerPort: number,
): void {
  ex.req.resume();
  const request = { host: ex.facts.host, path: ex.facts.path, search: ex.url.search, scheme: ex.scheme };
  const location = redirectLocation(redirect, request, match, listenerPort);
  const status = redirect.statusCode ?? 302;
  ex.res.writeHead(status, { server: serverHeader, location, date: new Date().toUTCString(), 'content-length': 0 });
  ex.res.end();
  ex.finish({ status, flags: '-', details: 'direct_response' });
}
