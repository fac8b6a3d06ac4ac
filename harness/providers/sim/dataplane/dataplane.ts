import { Agent, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoint, GatewayRef } from '../../types.ts';
import { AccessLogs, accessLogLine } from './access-log.ts';
import { chooseBackend } from './backends.ts';
import { openExchange } from './exchange.ts';
import { NO_HEALTHY_UPSTREAM, NO_ROUTE, replyLocally, replyWithRedirect } from './local-replies.ts';
import { forward } from './proxy.ts';
import { FirstRequestsUnavailable } from './route-faults.ts';
import { selectRoute } from './route-match.ts';
import type { ListenerRoutes, ResolvedService } from './route-table.ts';

/**
 * The sim's data plane: one HTTP server on 127.0.0.1 (ephemeral port) per Gateway listener,
 * routing like Envoy programmed by Istio: no route → 404; a backendRef that cannot be used → 500
 * (as the spec requires); a Service without ready endpoints → 503; every response carries the
 * configured `server` header (Envoy replaces the upstream's). Access logs are kept per Gateway.
 *
 * A request goes: route selection (route-match.ts), a redirect answered by the proxy itself
 * (local-replies.ts), backend choice by weight (backends.ts), then forwarding with the route's
 * filters (proxy.ts).
 */

export interface DataPlaneOptions {
  serverHeader: string;
  /** Where a Service's traffic goes right now (looked up per request, like EDS). */
  resolve(namespace: string, service: string): ResolvedService;
  /** Random source for weighted picks (tests pass a fixed one). */
  random?: () => number;
  /** --sim-faults dataplane-503=N: each route's first N requests answered 503. */
  unavailableFirstRequests?: number;
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

function gatewayKey(gw: GatewayRef): string {
  return `${gw.namespace}/${gw.name}`;
}

export class DataPlane {
  private readonly listeners = new Map<string, Map<string, ListenerState>>();
  private readonly logs = new AccessLogs();
  private readonly agent = new Agent({ keepAlive: false });
  private readonly random: () => number;
  private readonly unavailable?: FirstRequestsUnavailable;

  constructor(private readonly opts: DataPlaneOptions) {
    this.random = opts.random ?? Math.random;
    if (opts.unavailableFirstRequests) this.unavailable = new FirstRequestsUnavailable(opts.unavailableFirstRequests);
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
    return this.logs.text(gw);
  }

  async stop(): Promise<void> {
    const all = [...this.listeners.values()].flatMap((m) => [...m.values()]);
    this.listeners.clear();
    await Promise.allSettled(all.map((s) => closeServer(s.server)));
    this.agent.destroy();
  }

  private handle(
    gw: GatewayRef,
    listener: string,
    state: ListenerState,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const ex = openExchange(req, res, (exchange, outcome) =>
      this.logs.append(gw, accessLogLine(exchange, outcome, { name: listener, port: state.endpoint.port })),
    );
    const { serverHeader } = this.opts;
    const selected = selectRoute(state.routes, ex.facts);
    if (!selected) return replyLocally(ex, serverHeader, NO_ROUTE);
    if (this.unavailable?.take(selected.route)) return replyLocally(ex, serverHeader, NO_HEALTHY_UPSTREAM);
    const { rule, match } = selected;
    const redirect = rule.filters?.find((f) => f.type === 'RequestRedirect')?.requestRedirect;
    if (redirect) return replyWithRedirect(ex, serverHeader, redirect, match, state.specPort);
    const choice = chooseBackend(rule, this.random, (namespace, service) => this.opts.resolve(namespace, service));
    if (choice.kind === 'local') return replyLocally(ex, serverHeader, choice.reply);
    forward(ex, {
      filters: [...(rule.filters ?? []), ...choice.filters],
      rewrite: rule.filters?.find((f) => f.type === 'URLRewrite')?.urlRewrite,
      match,
      upstream: choice,
      serverHeader,
      agent: this.agent,
    });
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
