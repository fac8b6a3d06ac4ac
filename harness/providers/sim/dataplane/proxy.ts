import { type Agent, type IncomingMessage, request } from 'node:http';
import type { HTTPRouteFilter, HTTPRouteMatch, HTTPURLRewriteFilter } from '../../../kube/gateway-api.ts';
import type { UpstreamChoice } from './backends.ts';
import type { Exchange } from './exchange.ts';
import { applyHeaderFilters, endToEndHeaders, type HeaderMap, headersObject } from './headers.ts';
import { CONNECTION_FAILURE, replyLocally } from './local-replies.ts';
import type { ServiceTarget } from './route-table.ts';
import { modifyPath } from './url-filters.ts';

/**
 * Forwarding to the chosen backend as Envoy does: hop-by-hop headers dropped, the x-forwarded-*,
 * x-request-id and x-envoy-attempt-count headers added, the route's request header modifiers and
 * URL rewrite applied; on the way back the response header modifiers, and the proxy's own
 * `server` header in place of the upstream's.
 */

export interface ForwardRequest {
  /** The rule's filters, then the chosen backendRef's. */
  filters: HTTPRouteFilter[];
  rewrite?: HTTPURLRewriteFilter;
  /** The match that selected the rule (ReplacePrefixMatch replaces its prefix). */
  match: HTTPRouteMatch;
  upstream: UpstreamChoice;
  serverHeader: string;
  agent: Agent;
}

function upstreamRequestHeaders(ex: Exchange, f: ForwardRequest): HeaderMap {
  const { req } = ex;
  const headers = endToEndHeaders(req.rawHeaders);
  headers.set('x-forwarded-proto', [ex.scheme]);
  headers.set('x-request-id', [ex.requestId]);
  headers.set('x-envoy-attempt-count', ['1']);
  const forwardedFor = headers.get('x-forwarded-for');
  headers.set('x-forwarded-for', [[...(forwardedFor ?? []), req.socket.remoteAddress ?? ''].join(', ')]);
  applyHeaderFilters(headers, f.filters, 'RequestHeaderModifier');
  if (f.rewrite?.hostname) headers.set('host', [f.rewrite.hostname]);
  // A chunked request body has no Content-Length: it goes upstream chunked too (the client's
  // Transfer-Encoding was dropped with the other hop-by-hop headers).
  if (req.headers['transfer-encoding']) headers.set('transfer-encoding', ['chunked']);
  return headers;
}

/** The request target upstream: the original, or the URL rewrite's path with the original query. */
function upstreamPath(ex: Exchange, f: ForwardRequest): string | undefined {
  if (!f.rewrite?.path) return ex.req.url;
  return `${modifyPath(ex.facts.path, f.rewrite.path, f.match)}${ex.url.search}`;
}

function downstreamResponseHeaders(
  upstreamRes: IncomingMessage,
  f: ForwardRequest,
  upstreamStarted: number,
): HeaderMap {
  const headers = endToEndHeaders(upstreamRes.rawHeaders);
  applyHeaderFilters(headers, f.filters, 'ResponseHeaderModifier');
  headers.set('server', [f.serverHeader]);
  headers.set('x-envoy-upstream-service-time', [String(Date.now() - upstreamStarted)]);
  return headers;
}

/** Envoy's cluster name for a Service port: `outbound|80||web.apps.svc.cluster.local`. */
function clusterName(target: ServiceTarget): string {
  return `outbound|${target.port ?? 80}||${target.name}.${target.namespace}.svc.cluster.local`;
}

export function forward(ex: Exchange, f: ForwardRequest): void {
  const { req, res } = ex;
  const { target, service } = f.upstream;
  const cluster = clusterName(target);
  const upstreamStarted = Date.now();
  const upstreamReq = request(
    {
      host: service.endpoint.host,
      port: service.endpoint.port,
      method: ex.facts.method,
      path: upstreamPath(ex, f),
      headers: headersObject(upstreamRequestHeaders(ex, f)),
      agent: f.agent,
    },
    (upstreamRes) => {
      const status = upstreamRes.statusCode ?? 502;
      res.writeHead(status, headersObject(downstreamResponseHeaders(upstreamRes, f, upstreamStarted)));
      upstreamRes.pipe(res);
      upstreamRes.on('end', () =>
        ex.finish({ status, flags: '-', details: 'via_upstream', upstream: service.upstreamHost, cluster }),
      );
    },
  );
  upstreamReq.on('error', () => {
    if (res.headersSent) return void res.destroy();
    replyLocally(ex, f.serverHeader, CONNECTION_FAILURE);
  });
  req.pipe(upstreamReq);
}
