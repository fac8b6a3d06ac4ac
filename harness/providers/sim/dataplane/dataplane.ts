import { randomUUID } from 'node:crypto';
import {
  Agent,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
  createServer,
  request,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoint, GatewayRef } from '../../types.ts';
import type { HTTPHeaderModifier, HTTPRouteFilter, HTTPRouteMatch } from '../../../kube/gateway-api.ts';
import { type CandidateRoute, type RequestFacts, selectRoute } from './route-match.ts';
import { type RequestRedirect, type URLRewrite, modifyPath, redirectLocation } from './url-filters.ts';

/**
 * The sim's data plane: one HTTP server on 127.0.0.1 (ephemeral port) per Gateway listener,
 * routing like Envoy programmed by Istio: no route → 404; a backendRef that cannot be used → 500
 * (as the spec requires); a Service without ready endpoints → 503; every response carries the
 * configured `server` header (Envoy replaces the upstream's). Access logs are kept per Gateway.
 */

export type BackendTarget =
  { kind: 'service'; namespace: string; name: string; port?: number } | { kind: 'invalid'; reason: string };

export interface DataPlaneBackend {
  weight: number;
  target: BackendTarget;
  filters?: HTTPRouteFilter[];
}

/** Route filters as the data plane applies them (header modifiers, redirect, rewrite). */
export type DataPlaneFilter = HTTPRouteFilter & { requestRedirect?: RequestRedirect; urlRewrite?: URLRewrite };

export interface DataPlaneRule {
  matches?: HTTPRouteMatch[];
  filters?: DataPlaneFilter[];
  backends: DataPlaneBackend[];
}

export type ListenerRoutes = CandidateRoute<DataPlaneRule>[];

export type ResolvedService =
  { status: 'ok'; endpoint: Endpoint; upstreamHost: string } | { status: 'no-endpoints' } | { status: 'missing' };

export interface DataPlaneOptions {
  serverHeader: string;
  /** Where a Service's traffic goes right now (looked up per request, like EDS). */
  resolve(namespace: string, service: string): ResolvedService;
  /** Random source for weighted picks (tests pass a fixed one). */
  random?: () => number;
}

interface ListenerState {
  server: Server;
  endpoint: Endpoint;
  routes: ListenerRoutes;
  /** The listener's port in the Gateway spec (redirects derive their port from it). */
  specPort: number;
  /** Resolves once the server listens (endpoint.port is 0 until then). */
  listening?: Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
const MAX_LOG_LINES = 5000;

/** Header lists keyed by lower-case name, as a proxy holds them between hops. */
export type HeaderMap = Map<string, string[]>;

export function toHeaderMap(raw: string[]): HeaderMap {
  const map: HeaderMap = new Map();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    map.set(name, [...(map.get(name) ?? []), raw[i + 1]]);
  }
  return map;
}

/** RequestHeaderModifier / ResponseHeaderModifier: set replaces, add appends, remove deletes. */
export function applyHeaderModifier(headers: HeaderMap, mod: HTTPHeaderModifier | undefined): void {
  if (!mod) return;
  for (const h of mod.set ?? []) headers.set(h.name.toLowerCase(), [h.value]);
  for (const h of mod.add ?? [])
    headers.set(h.name.toLowerCase(), [...(headers.get(h.name.toLowerCase()) ?? []), h.value]);
  for (const name of mod.remove ?? []) headers.delete(name.toLowerCase());
}

/** Weighted choice; weight 0 never receives traffic; undefined when nothing can be chosen. */
export function pickWeighted<T extends { weight: number }>(
  items: T[],
  random: () => number = Math.random,
): T | undefined {
  const total = items.reduce((sum, i) => sum + Math.max(0, i.weight), 0);
  if (total <= 0) return undefined;
  let point = random() * total;
  for (const item of items) {
    if (item.weight <= 0) continue;
    point -= item.weight;
    if (point < 0) return item;
  }
  return items.filter((i) => i.weight > 0).at(-1);
}

function gatewayKey(gw: GatewayRef): string {
  return `${gw.namespace}/${gw.name}`;
}

function headersObject(map: HeaderMap): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of map) out[k] = v.length === 1 ? v[0] : v;
  return out;
}

export class DataPlane {
  private readonly listeners = new Map<string, Map<string, ListenerState>>();
  private readonly logs = new Map<string, string[]>();
  private readonly agent = new Agent({ keepAlive: false });
  private readonly random: () => number;

  constructor(private readonly opts: DataPlaneOptions) {
    this.random = opts.random ?? Math.random;
  }

  /** Start (once) the server for a listener; returns where it listens. */
  async ensureListener(gw: GatewayRef, listener: string): Promise<Endpoint> {
    const gk = gatewayKey(gw);
    const existing = this.listeners.get(gk)?.get(listener);
    if (existing) {
      await existing.listening;
      return existing.endpoint;
    }
    const state: ListenerState = {
      server: createServer(),
      endpoint: { host: '127.0.0.1', port: 0 },
      routes: [],
      specPort: 80,
    };
    state.server.on('request', (req, res) => this.handle(gw, listener, state, req, res));
    // Registered before listen() resolves: a concurrent reconcile must reuse this server, not start
    // a second one that nobody would ever close.
    if (!this.listeners.has(gk)) this.listeners.set(gk, new Map());
    this.listeners.get(gk)?.set(listener, state);
    state.listening = new Promise<void>((resolve, reject) => {
      state.server.once('error', reject);
      state.server.listen(0, '127.0.0.1', () => resolve());
    });
    await state.listening;
    state.endpoint = { host: '127.0.0.1', port: (state.server.address() as AddressInfo).port };
    return state.endpoint;
  }

  setRoutes(gw: GatewayRef, listener: string, routes: ListenerRoutes, specPort?: number): void {
    const state = this.listeners.get(gatewayKey(gw))?.get(listener);
    if (!state) return;
    state.routes = routes;
    if (specPort !== undefined) state.specPort = specPort;
  }

  listenerNames(gw: GatewayRef): string[] {
    return [...(this.listeners.get(gatewayKey(gw))?.keys() ?? [])];
  }

  gatewayRefs(): GatewayRef[] {
    return [...this.listeners.keys()].map((k) => {
      const [namespace, name] = k.split('/');
      return { namespace, name };
    });
  }

  endpoint(gw: GatewayRef, listener: string): Endpoint | undefined {
    const e = this.listeners.get(gatewayKey(gw))?.get(listener)?.endpoint;
    return e && e.port !== 0 ? { ...e } : undefined; // port 0: still starting
  }

  async closeListener(gw: GatewayRef, listener: string): Promise<void> {
    const gk = gatewayKey(gw);
    const state = this.listeners.get(gk)?.get(listener);
    if (!state) return;
    this.listeners.get(gk)?.delete(listener);
    if (this.listeners.get(gk)?.size === 0) this.listeners.delete(gk);
    await closeServer(state.server);
  }

  async closeGateway(gw: GatewayRef): Promise<void> {
    for (const l of this.listenerNames(gw)) await this.closeListener(gw, l);
  }

  /** Envoy-style access log lines of a Gateway's proxy. */
  accessLog(gw: GatewayRef): string {
    const lines = this.logs.get(gatewayKey(gw)) ?? [];
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  async stop(): Promise<void> {
    const all = [...this.listeners.values()].flatMap((m) => [...m.values()]);
    this.listeners.clear();
    await Promise.allSettled(all.map((s) => closeServer(s.server)));
    this.agent.destroy();
  }

  private log(gw: GatewayRef, line: string): void {
    const gk = gatewayKey(gw);
    const lines = this.logs.get(gk) ?? [];
    lines.push(line);
    if (lines.length > MAX_LOG_LINES) lines.shift();
    this.logs.set(gk, lines);
  }

  private handle(
    gw: GatewayRef,
    listener: string,
    state: ListenerState,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const facts: RequestFacts = {
      host: req.headers.host ?? '',
      path: url.pathname,
      method: req.method ?? 'GET',
      headers: req.headers,
      query: url.searchParams,
    };
    const requestId = randomUUID();
    const finish = (status: number, flags: string, details: string, upstream = '-', cluster = '-') => {
      this.log(
        gw,
        `[${new Date(started).toISOString()}] "${facts.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${flags} ${details} - "-" ` +
          `${req.headers['content-length'] ?? 0} ${res.getHeader('content-length') ?? 0} ${Date.now() - started} - "${req.headers['x-forwarded-for'] ?? '-'}" ` +
          `"${req.headers['user-agent'] ?? '-'}" "${requestId}" "${facts.host}" "${upstream}" ${cluster} - 127.0.0.1:${state.endpoint.port} ` +
          `${req.socket.remoteAddress}:${req.socket.remotePort} - listener=${listener}`,
      );
    };
    const local = (status: number, flags: string, details: string, body = '') => {
      req.resume();
      res.writeHead(status, {
        server: this.opts.serverHeader,
        date: new Date().toUTCString(),
        'content-length': Buffer.byteLength(body),
        ...(body ? { 'content-type': 'text/plain' } : {}),
      });
      res.end(body);
      finish(status, flags, details);
    };

    const selected = selectRoute(state.routes, facts);
    if (!selected) return local(404, 'NR', 'route_not_found');
    const rule = selected.rule;
    const redirect = rule.filters?.find((f) => f.type === 'RequestRedirect')?.requestRedirect;
    if (redirect) {
      req.resume();
      const location = redirectLocation(
        redirect,
        { host: facts.host, path: facts.path, search: url.search },
        selected.match,
        state.specPort,
      );
      const status = redirect.statusCode ?? 302;
      res.writeHead(status, {
        server: this.opts.serverHeader,
        location,
        date: new Date().toUTCString(),
        'content-length': 0,
      });
      res.end();
      return finish(status, '-', 'direct_response');
    }
    const backend = pickWeighted(rule.backends, this.random);
    if (!backend || backend.target.kind === 'invalid') return local(500, '-', 'direct_response');
    const target = backend.target;
    const resolved = this.opts.resolve(target.namespace, target.name);
    if (resolved.status === 'missing') return local(500, 'NC', 'cluster_not_found');
    if (resolved.status === 'no-endpoints') return local(503, 'UH', 'no_healthy_upstream', 'no healthy upstream');

    const headers = toHeaderMap(req.rawHeaders);
    for (const name of HOP_BY_HOP) headers.delete(name);
    headers.set('x-forwarded-proto', ['http']);
    headers.set('x-request-id', [requestId]);
    headers.set('x-envoy-attempt-count', ['1']);
    const forwardedFor = headers.get('x-forwarded-for');
    headers.set('x-forwarded-for', [[...(forwardedFor ?? []), req.socket.remoteAddress ?? ''].join(', ')]);
    for (const f of [...(rule.filters ?? []), ...(backend.filters ?? [])]) {
      if (f.type === 'RequestHeaderModifier') applyHeaderModifier(headers, f.requestHeaderModifier);
    }
    const rewrite = rule.filters?.find((f) => f.type === 'URLRewrite')?.urlRewrite;
    if (rewrite?.hostname) headers.set('host', [rewrite.hostname]);
    const upstreamPath = rewrite?.path
      ? `${modifyPath(facts.path, rewrite.path, selected.match)}${url.search}`
      : req.url;
    if (req.headers['transfer-encoding']) headers.set('transfer-encoding', ['chunked']);

    const cluster = `outbound|${target.port ?? 80}||${target.name}.${target.namespace}.svc.cluster.local`;
    const upstreamStarted = Date.now();
    const upstreamReq = request(
      {
        host: resolved.endpoint.host,
        port: resolved.endpoint.port,
        method: facts.method,
        path: upstreamPath,
        headers: headersObject(headers),
        agent: this.agent,
      },
      (upstreamRes) => {
        const out = toHeaderMap(upstreamRes.rawHeaders);
        for (const name of HOP_BY_HOP) out.delete(name);
        for (const f of [...(rule.filters ?? []), ...(backend.filters ?? [])]) {
          if (f.type === 'ResponseHeaderModifier') applyHeaderModifier(out, f.responseHeaderModifier);
        }
        out.set('server', [this.opts.serverHeader]);
        out.set('x-envoy-upstream-service-time', [String(Date.now() - upstreamStarted)]);
        res.writeHead(upstreamRes.statusCode ?? 502, headersObject(out));
        upstreamRes.pipe(res);
        upstreamRes.on('end', () =>
          finish(upstreamRes.statusCode ?? 502, '-', 'via_upstream', resolved.upstreamHost, cluster),
        );
      },
    );
    upstreamReq.on('error', () => {
      if (res.headersSent) return void res.destroy();
      local(
        503,
        'UF',
        'upstream_reset_before_response_started{connection_failure}',
        'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
      );
    });
    req.pipe(upstreamReq);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
