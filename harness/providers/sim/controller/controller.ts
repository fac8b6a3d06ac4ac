import type { Endpoint, GatewayRef } from '../../types.ts';
import type { Store, StoreEvent } from '../apiserver/store.ts';
import { DataPlane } from '../dataplane/dataplane.ts';
import type { BindFunction } from '../dataplane/port-binding.ts';
import type { ListenerRoutes, ResolvedService } from '../dataplane/route-table.ts';
import { nowTimestamp } from '../timestamps.ts';
import type { ControllerContext } from './context.ts';
import { GATEWAY_NAME_LABEL, MANAGED_LABEL } from './gateway-infra.ts';
import {
  acceptGatewayClasses,
  CONTROL_PLANE_NAMESPACE,
  ensureControlPlane,
  ensureGatewayClass,
  ISTIO_CONTROLLER,
} from './gateway-classes.ts';
import { GatewayProvisioner } from './gateway-provisioner.ts';
import { gatewayKey, type OwnedGateway, ownedGateways, serviceAddress, writeGatewayStatuses } from './gateways.ts';
import { LoopbackAddresses } from './loopback-addresses.ts';
import { reconcileRoutes } from './route-reconcile.ts';
import { Workloads } from './workloads.ts';

/**
 * The sim's reference Gateway API controller. It watches the store and, on every relevant change,
 * recomputes everything from the store's current state (a level-triggered full resync, fine at
 * this scale) and writes only what differs, so its own writes settle after one more pass.
 *
 * It behaves as istiod does: creates and accepts its GatewayClass (gateway-classes.ts), provisions
 * `<gw>-istio` Deployment + LoadBalancer Service per Gateway (gateway-provisioner.ts), reports
 * Programmed=False/AddressNotAssigned until the Service has an address (assigned after
 * `addressDelayMs`, standing in for MetalLB; gateways.ts), writes HTTPRoute parent status under its
 * controllerName (route-reconcile.ts), and programs a loopback data plane. Deployments run as
 * workloads.ts emulates them. It proves the harness, never an implementation.
 */

export interface SimControllerOptions {
  gatewayClassName: string;
  controllerName: string;
  /** `server` header the data plane sends, e.g. 'istio-envoy'. */
  serverHeader: string;
  /** Delay before the LoadBalancer address appears (default 300 ms). */
  addressDelayMs?: number;
  /** Hand out Gateway addresses from this block of 127.0.0.0/8 (loopback-addresses.ts; tests pin it). */
  addressBlock?: number;
  /** How the data plane binds listener ports (tests inject failures). */
  bind?: BindFunction;
  /** --sim-faults dataplane-503=N: each route's first N requests answered 503. */
  unavailableFirstRequests?: number;
}

export interface SimController {
  /** Where listener `listenerName` of a Gateway is served on loopback, once it is. */
  endpoint(gw: GatewayRef, listenerName: string): Endpoint | undefined;
  /** Why that listener is not served at its spec port, when it is not (the port was unavailable). */
  portProblem(gw: GatewayRef, listenerName: string): string | undefined;
  /** Logs of a pod the sim runs (gateway proxies, httpbin backends, the control plane); undefined for unknown pods. */
  podLogs(namespace: string, pod: string, container?: string): string | undefined;
  stop(): Promise<void>;
}

const RELEVANT_KINDS = new Set([
  'Secret',
  'ConfigMap',
  'EndpointSlice',
  'GatewayClass',
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
  'Service',
  'Deployment',
  'Pod',
  'Namespace',
]);
const RETRY_MS = 500;
const MAX_LOG_LINES = 2000;

export async function startController(store: Store, opts: SimControllerOptions): Promise<SimController> {
  const addresses = await LoopbackAddresses.open({ block: opts.addressBlock });
  const controller = new Controller(store, opts, addresses);
  try {
    await controller.start();
  } catch (error) {
    await controller.stop();
    throw error;
  }
  return {
    endpoint: (gw, listener) => controller.dataPlane.endpoint(gw, listener),
    portProblem: (gw, listener) => controller.dataPlane.bindProblem(gw, listener)?.message,
    podLogs: (ns, pod, container) => controller.podLogs(ns, pod, container),
    stop: () => controller.stop(),
  };
}

type SliceEndpoint = { addresses?: string[]; conditions?: { ready?: boolean } };

/** The ready addresses of the EndpointSlices of Service `name`. */
function endpointSliceAddresses(store: Store, namespace: string, name: string): Set<string> {
  const addresses = new Set<string>();
  for (const slice of store.list('discovery.k8s.io/v1', 'EndpointSlice', namespace)) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
    for (const e of (slice as { endpoints?: SliceEndpoint[] }).endpoints ?? [])
      if (e.conditions?.ready !== false) for (const a of e.addresses ?? []) addresses.add(a);
  }
  return addresses;
}

function refOfGateway(gw: OwnedGateway): GatewayRef {
  return { namespace: gw.obj.metadata.namespace ?? 'default', name: gw.obj.metadata.name };
}

class Controller {
  readonly dataPlane: DataPlane;
  private readonly ctx: ControllerContext;
  private readonly workloads: Workloads;
  private readonly provisioner: GatewayProvisioner;
  private readonly logLines: string[] = [];
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Port problems already logged, so each is logged once. */
  private readonly loggedProblems = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly opts: SimControllerOptions,
    private readonly addresses: LoopbackAddresses,
  ) {
    this.ctx = { store, controllerName: opts.controllerName, log: (level, message) => this.log(level, message) };
    this.workloads = new Workloads(store, () => nowTimestamp());
    this.dataPlane = new DataPlane({
      serverHeader: opts.serverHeader,
      resolve: (ns, svc) => this.resolveService(ns, svc),
      bind: opts.bind,
      unavailableFirstRequests: opts.unavailableFirstRequests,
    });
    this.provisioner = new GatewayProvisioner(this.ctx, opts.addressDelayMs ?? 300, addresses, (gw) => {
      void this.dataPlane.closeGateway(gw);
    });
  }

  async start(): Promise<void> {
    ensureGatewayClass(this.store, this.opts.gatewayClassName, this.opts.controllerName);
    if (this.opts.controllerName === ISTIO_CONTROLLER) ensureControlPlane(this.store);
    this.unsubscribe = this.store.subscribe((e) => this.onEvent(e));
    this.schedule();
    await this.running;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.retryTimer);
    this.provisioner.stop();
    await this.running?.catch(() => undefined);
    await Promise.allSettled([this.dataPlane.stop(), this.workloads.stop(), this.addresses.close()]);
  }

  podLogs(namespace: string, pod: string, container?: string): string | undefined {
    const obj = this.store.get('v1', 'Pod', namespace, pod);
    if (!obj) return undefined;
    const containers = (((obj.spec ?? {}) as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
    if (container && containers.length > 0 && !containers.includes(container)) return undefined;
    const backend = this.workloads.backendLogs(namespace, pod);
    if (backend !== undefined) return backend;
    const labels = obj.metadata.labels ?? {};
    if (labels[MANAGED_LABEL] && labels[GATEWAY_NAME_LABEL]) {
      return this.dataPlane.accessLog({ namespace, name: labels[GATEWAY_NAME_LABEL] });
    }
    if (namespace === CONTROL_PLANE_NAMESPACE && labels.app === 'istiod') {
      return this.logLines.length ? `${this.logLines.join('\n')}\n` : '';
    }
    return '';
  }

  // -- loop ------------------------------------------------------------------------------------

  private onEvent(event: StoreEvent): void {
    if (RELEVANT_KINDS.has(event.object.kind)) this.schedule();
  }

  /** Coalesce events: at most one pass runs, and one more follows if anything changed meanwhile. */
  private schedule(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.running) return;
    this.running = (async () => {
      try {
        while (this.dirty && !this.stopped) {
          this.dirty = false;
          try {
            await this.reconcile();
          } catch (error) {
            this.log('error', `reconcile failed: ${error instanceof Error ? error.message : String(error)}; retrying`);
            clearTimeout(this.retryTimer);
            this.retryTimer = setTimeout(() => this.schedule(), RETRY_MS);
          }
        }
      } finally {
        this.running = undefined;
      }
    })();
  }

  private log(level: 'info' | 'error', message: string): void {
    this.logLines.push(`${new Date().toISOString()}\t${level}\tgateway\t${message}`);
    if (this.logLines.length > MAX_LOG_LINES) this.logLines.shift();
  }

  // -- one pass ----------------------------------------------------------------------------------

  private async reconcile(): Promise<void> {
    const classes = acceptGatewayClasses(this.ctx);
    const owned = ownedGateways(this.store, classes);
    this.provisioner.reconcile(owned);
    await this.workloads.reconcile();
    await this.reconcileListeners(owned);
    const { attached, tables } = reconcileRoutes(this.ctx, owned);
    writeGatewayStatuses(this.ctx, owned, attached, (gw, listener) => this.portProblem(refOfGateway(gw), listener));
    this.programRoutes(owned, tables);
  }

  /**
   * The attachable listeners of each owned Gateway served at its load-balancer address, each on
   * its own port; nothing is served before the address is assigned.
   */
  private async reconcileListeners(owned: Map<string, OwnedGateway>): Promise<void> {
    for (const gw of owned.values()) {
      const ref = refOfGateway(gw);
      const address = serviceAddress(this.store, ref.namespace, ref.name);
      if (!address || gw.invalidParameters) {
        await this.dataPlane.closeGateway(ref);
        continue;
      }
      const listeners = gw.listeners
        .filter((l) => l.servable)
        .map(({ listener: l, certificates }) => ({ name: l.name, port: l.port, hostname: l.hostname, certificates }));
      await this.dataPlane.programListeners(ref, address, listeners);
    }
  }

  /** A listener's port problem, logged (once per problem) as istiod would log a failed listener. */
  private portProblem(gw: GatewayRef, listener: string): string | undefined {
    const problem = this.dataPlane.bindProblem(gw, listener)?.message;
    const key = `${gatewayKey(gw.namespace, gw.name)}/${listener}: ${problem}`;
    if (problem && !this.loggedProblems.has(key)) {
      this.loggedProblems.add(key);
      this.log('error', `listener ${listener} of Gateway ${gw.namespace}/${gw.name}: ${problem}`);
    }
    return problem;
  }

  /** Hand each listener its route table. */
  private programRoutes(owned: Map<string, OwnedGateway>, tables: Map<string, Map<string, ListenerRoutes>>): void {
    for (const gw of owned.values()) {
      const ref = refOfGateway(gw);
      const table = tables.get(gatewayKey(ref.namespace, ref.name));
      for (const listener of this.dataPlane.listenerNames(ref))
        this.dataPlane.setRoutes(ref, listener, table?.get(listener) ?? []);
    }
  }

  /**
   * EDS's part: a Service's traffic goes to one of the loopback servers behind its selector, or,
   * for a Service without one, behind the ready addresses of its EndpointSlices (the
   * `kubernetes.io/service-name` label names the Service, as the EndpointSlice API has it).
   */
  private resolveService(namespace: string, name: string): ResolvedService {
    const svc = this.store.get('v1', 'Service', namespace, name);
    if (!svc) return { status: 'missing' };
    const selector = ((svc.spec ?? {}) as { selector?: Record<string, string> }).selector ?? {};
    const endpoints =
      Object.keys(selector).length > 0
        ? this.workloads.endpointsFor(namespace, selector)
        : this.workloads.endpointsAt(endpointSliceAddresses(this.store, namespace, name));
    if (endpoints.length === 0) return { status: 'no-endpoints' };
    const endpoint = endpoints[Math.floor(Math.random() * endpoints.length)];
    return { status: 'ok', endpoint, upstreamHost: `${endpoint.host}:${endpoint.port}` };
  }
}
