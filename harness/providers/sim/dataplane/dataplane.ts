import { Agent, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import type { Endpoint, GatewayRef } from '../../types.ts';
import { AccessLogs, accessLogLine } from './access-log.ts';
import { chooseBackend } from './backends.ts';
import { openExchange } from './exchange.ts';
import { selectListener } from './listener-select.ts';
import { NO_HEALTHY_UPSTREAM, NO_ROUTE, replyLocally, replyWithRedirect } from './local-replies.ts';
import { type BindFunction, type BindProblem, bindListenerPort, listenOn } from './port-binding.ts';
import { forward } from './proxy.ts';
import { FirstRequestsUnavailable } from './route-faults.ts';
import { selectRoute } from './route-match.ts';
import type { ListenerRoutes, ResolvedService } from './route-table.ts';
import { certificateFor, secureContextOf, type ServingCertificate } from './tls-termination.ts';

/**
 * The sim's data plane: per Gateway, one HTTP server per listener port at the Gateway's loopback
 * address (port-binding.ts: a port that cannot be bound is served elsewhere and reported),
 * routing like Envoy programmed by Istio: the listener is chosen by the request's Host among the
 * listeners on that port (listener-select.ts); no route → 404; a backendRef that cannot be used →
 * 500 (as the spec requires); a Service without ready endpoints → 503; every response carries
 * the configured `server` header (Envoy replaces the upstream's). Access logs are kept per Gateway.
 *
 * A request goes: listener and route selection (route-match.ts), a redirect answered by the proxy
 * itself (local-replies.ts), backend choice by weight (backends.ts), then forwarding with the
 * route's filters (proxy.ts).
 */

export interface DataPlaneOptions {
  serverHeader: string;
  /** Where a Service's traffic goes right now (looked up per request, like EDS). */
  resolve(namespace: string, service: string): ResolvedService;
  /** Random source for weighted picks (tests pass a fixed one). */
  random?: () => number;
  /** How a listener port is bound (tests inject failures or remap ports). */
  bind?: BindFunction;
  /** --sim-faults dataplane-503=N: each route's first N requests answered 503. */
  unavailableFirstRequests?: number;
}

/** A listener as the controller programs it: its name, spec port, hostname and (HTTPS) certificates. */
export interface ListenerSpec {
  name: string;
  port: number;
  hostname?: string;
  /** Set for an HTTPS listener: its port terminates TLS. */
  certificates?: ServingCertificate[];
}

interface ListenerState extends ListenerSpec {
  routes: ListenerRoutes;
}

/** One listening server: every listener of the Gateway on that spec port. */
interface PortState {
  port: number;
  /** Terminates TLS (its listeners are HTTPS; the controller never mixes protocols on a port). */
  tls: boolean;
  server: Server;
  endpoint: Endpoint;
  problem?: BindProblem;
  listeners: ListenerState[];
  /** The certificate set as the TLS server's default (clients without SNI). */
  fallback?: ServingCertificate;
}

function sameCertificate(a: ServingCertificate, b: ServingCertificate | undefined): boolean {
  return a.cert === b?.cert && a.key === b.key;
}

interface GatewayState {
  address: string;
  ports: Map<number, PortState>;
}

function gatewayKey(gw: GatewayRef): string {
  return `${gw.namespace}/${gw.name}`;
}

export class DataPlane {
  private readonly gateways = new Map<string, GatewayState>();
  private readonly logs = new AccessLogs();
  private readonly agent = new Agent({ keepAlive: false });
  private readonly random: () => number;
  private readonly bind: BindFunction;
  private stopped = false;
  private readonly unavailable?: FirstRequestsUnavailable;

  constructor(private readonly opts: DataPlaneOptions) {
    this.random = opts.random ?? Math.random;
    this.bind = opts.bind ?? listenOn;
    if (opts.unavailableFirstRequests) this.unavailable = new FirstRequestsUnavailable(opts.unavailableFirstRequests);
  }

  /**
   * Serve exactly these listeners of a Gateway at `address`: a server per distinct port, started
   * once (a port that was unavailable because another process held it is tried again), closed
   * when no listener uses its port any more. Routes of listeners that stay are kept. Calls for one
   * Gateway must not overlap (the controller's passes never do).
   */
  async programListeners(gw: GatewayRef, address: string, listeners: ListenerSpec[]): Promise<void> {
    const gk = gatewayKey(gw);
    let state = this.gateways.get(gk);
    if (state && state.address !== address) {
      await this.closeGateway(gw);
      state = undefined;
    }
    if (!state) {
      state = { address, ports: new Map() };
      this.gateways.set(gk, state);
    }
    const previous = new Map([...state.ports.values()].flatMap((p) => p.listeners.map((l) => [l.name, l] as const)));
    const byPort = new Map<number, ListenerState[]>();
    for (const l of listeners) {
      const kept = previous.get(l.name);
      byPort.set(l.port, [...(byPort.get(l.port) ?? []), { ...l, routes: kept?.routes ?? [] }]);
    }
    for (const [port, portState] of [...state.ports]) {
      if (byPort.has(port)) continue;
      state.ports.delete(port);
      await closeServer(portState.server);
    }
    for (const [port, portListeners] of byPort) {
      const tls = portListeners.some((l) => l.certificates);
      const portState = await this.ensurePort(gw, state, port, tls);
      if (!portState) return; // stopped meanwhile
      portState.listeners = portListeners;
      const fallback = tls ? certificateFor(portListeners, undefined) : undefined;
      // Clients that send no SNI server name get the first listener's certificate. Set only when
      // it changed: setSecureContext parses the PEM again, and the controller programs every pass.
      if (fallback && !sameCertificate(fallback, portState.fallback)) {
        (portState.server as HttpsServer).setSecureContext(fallback);
        portState.fallback = fallback;
      }
    }
  }

  setRoutes(gw: GatewayRef, listener: string, routes: ListenerRoutes): void {
    const state = this.listener(gw, listener);
    if (state) state.listener.routes = routes;
  }

  listenerNames(gw: GatewayRef): string[] {
    return [...(this.gateways.get(gatewayKey(gw))?.ports.values() ?? [])].flatMap((p) =>
      p.listeners.map((l) => l.name),
    );
  }

  /** Where a listener is served right now: its spec port, or the fallback when that was unavailable. */
  endpoint(gw: GatewayRef, listener: string): Endpoint | undefined {
    const found = this.listener(gw, listener);
    return found ? { ...found.port.endpoint } : undefined;
  }

  /** Why a listener is not served at its spec port, if it is not. */
  bindProblem(gw: GatewayRef, listener: string): BindProblem | undefined {
    return this.listener(gw, listener)?.port.problem;
  }

  async closeGateway(gw: GatewayRef): Promise<void> {
    const gk = gatewayKey(gw);
    const state = this.gateways.get(gk);
    if (!state) return;
    this.gateways.delete(gk);
    await Promise.allSettled([...state.ports.values()].map((p) => closeServer(p.server)));
  }

  /** Envoy-style access log lines of a Gateway's proxy. */
  accessLog(gw: GatewayRef): string {
    return this.logs.text(gw);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.gateways.values()].flatMap((g) => [...g.ports.values()]);
    this.gateways.clear();
    await Promise.allSettled(all.map((p) => closeServer(p.server)));
    this.agent.destroy();
  }

  private listener(gw: GatewayRef, name: string): { listener: ListenerState; port: PortState } | undefined {
    for (const port of this.gateways.get(gatewayKey(gw))?.ports.values() ?? []) {
      const listener = port.listeners.find((l) => l.name === name);
      if (listener) return { listener, port };
    }
    return undefined;
  }

  /**
   * The server of one port, bound now if it is new, rebound if its port was taken before, and
   * replaced when its listeners change between HTTP and HTTPS.
   */
  private async ensurePort(
    gw: GatewayRef,
    state: GatewayState,
    port: number,
    tls: boolean,
  ): Promise<PortState | undefined> {
    let existing = state.ports.get(port);
    if (existing && existing.tls !== tls) {
      state.ports.delete(port);
      await closeServer(existing.server);
      existing = undefined;
    }
    if (existing && existing.problem?.code !== 'EADDRINUSE') return existing;
    const portState: PortState = existing ?? {
      port,
      tls,
      server: createServer(),
      endpoint: { host: '', port: 0 },
      listeners: [],
    };
    const bound = await bindListenerPort(
      () => {
        const server = tls ? this.tlsServer(portState) : createServer();
        server.on('request', (req, res) => this.handle(gw, portState, req, res));
        return server;
      },
      state.address,
      port,
      this.bind,
    );
    if (existing && bound.problem) {
      await closeServer(bound.server); // still taken: keep serving at the fallback
      return existing;
    }
    if (this.stopped || this.gateways.get(gatewayKey(gw)) !== state) {
      await closeServer(bound.server); // stopped or closed while binding: nobody else would close it
      return undefined;
    }
    if (existing) await closeServer(existing.server);
    // A new server: its default certificate is set afresh.
    Object.assign(portState, {
      server: bound.server,
      endpoint: bound.endpoint,
      problem: bound.problem,
      fallback: undefined,
    });
    state.ports.set(port, portState);
    return portState;
  }

  /** An HTTPS server whose handshakes get the certificate of the listener the SNI name selects. */
  private tlsServer(portState: PortState): Server {
    return createTlsServer({
      SNICallback: (serverName, done) => {
        const certificate = certificateFor(portState.listeners, serverName);
        if (certificate) done(null, secureContextOf(certificate));
        else done(new Error(`no certificate for ${serverName}`));
      },
    });
  }

  private handle(gw: GatewayRef, port: PortState, req: IncomingMessage, res: ServerResponse): void {
    const listener = selectListener(port.listeners, req.headers.host ?? '');
    const ex = openExchange(
      req,
      res,
      (exchange, outcome) =>
        this.logs.append(gw, accessLogLine(exchange, outcome, { name: listener?.name ?? '-', ...port.endpoint })),
      port.tls ? 'https' : 'http',
    );
    const { serverHeader } = this.opts;
    const selected = listener && selectRoute(listener.routes, ex.facts);
    if (!listener || !selected) return replyLocally(ex, serverHeader, NO_ROUTE);
    if (this.unavailable?.take(selected.route)) return replyLocally(ex, serverHeader, NO_HEALTHY_UPSTREAM);
    const { rule, match } = selected;
    const redirect = rule.filters?.find((f) => f.type === 'RequestRedirect')?.requestRedirect;
    if (redirect) return replyWithRedirect(ex, serverHeader, redirect, match, listener.port);
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
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
