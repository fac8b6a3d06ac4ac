import { pins } from '../../../pins.ts';
import type { Endpoint, GatewayRef } from '../../types.ts';
import { DataPlane } from '../dataplane/dataplane.ts';
import type { DataPlaneRule, ListenerRoutes, ResolvedService } from '../dataplane/route-table.ts';
import {
  GATEWAY_API_VERSION,
  GATEWAY_GROUP,
  type GatewaySpec,
  type HTTPRouteSpec,
  type ReferenceGrantSpec,
  type RouteParentStatus,
} from '../../../kube/gateway-api.ts';
import {
  GATEWAY_NAME_LABEL,
  MANAGED_LABEL,
  gatewayDeployment,
  gatewayService,
  infraName,
  serviceHost,
} from './gateway-infra.ts';
import { type ListenerEvaluation, buildGatewayStatus, evaluateListeners } from './gateway-status.ts';
import {
  type GatewayView,
  type ParentOutcome,
  type ReferenceLookup,
  type RouteView,
  attachToGateway,
  buildRouteParents,
  parentTarget,
  resolveBackendRef,
  resolveRouteRefs,
} from './route-status.ts';
import { nowTimestamp, setConditions } from './status-conditions.ts';
import { type KubeObject, type Store, type StoreEvent, StoreConflictError } from '../apiserver/store.ts';
import { Workloads } from './workloads.ts';

/**
 * The sim's reference Gateway API controller. It watches the store and, on every relevant change,
 * recomputes everything from the store's current state (a level-triggered full resync, fine at
 * this scale) and writes only what differs, so its own writes settle after one more pass.
 *
 * It behaves as istiod does: creates and accepts its GatewayClass, provisions `<gw>-istio`
 * Deployment + LoadBalancer Service per Gateway, reports Programmed=False/AddressNotAssigned
 * until the Service has an address (assigned after `addressDelayMs`, standing in for MetalLB),
 * writes HTTPRoute parent status under its controllerName, and programs a loopback data plane.
 * It proves the harness, never an implementation.
 */

export interface SimControllerOptions {
  gatewayClassName: string;
  controllerName: string;
  /** `server` header the data plane sends, e.g. 'istio-envoy'. */
  serverHeader: string;
  /** Delay before the LoadBalancer address appears (default 300 ms). */
  addressDelayMs?: number;
}

export interface SimController {
  /** Where listener `listenerName` of a Gateway is served on loopback, once it is. */
  endpoint(gw: GatewayRef, listenerName: string): Endpoint | undefined;
  /** Logs of a pod the sim runs (gateway proxies, httpbin backends, the control plane); undefined for unknown pods. */
  podLogs(namespace: string, pod: string, container?: string): string | undefined;
  stop(): Promise<void>;
}

const ISTIO_CONTROLLER = 'istio.io/gateway-controller';
const CONTROL_PLANE_NAMESPACE = 'istio-system';
const LOOPBACK = '127.0.0.1';
const RELEVANT_KINDS = new Set([
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
  const controller = new Controller(store, opts);
  await controller.start();
  return {
    endpoint: (gw, listener) => controller.dataPlane.endpoint(gw, listener),
    podLogs: (ns, pod, container) => controller.podLogs(ns, pod, container),
    stop: () => controller.stop(),
  };
}

function gatewayKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** JSON equality regardless of key order. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface OwnedGateway {
  obj: KubeObject;
  spec: GatewaySpec;
  listeners: ListenerEvaluation[];
}

class Controller {
  readonly dataPlane: DataPlane;
  private readonly workloads: Workloads;
  private readonly addressDelayMs: number;
  private readonly addressTimers = new Map<string, NodeJS.Timeout>();
  /** Gateways we provisioned, so deleting one (or moving it to another class) cleans up. */
  private readonly provisioned = new Set<string>();
  private readonly logLines: string[] = [];
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly opts: SimControllerOptions,
  ) {
    this.addressDelayMs = opts.addressDelayMs ?? 300;
    this.workloads = new Workloads(store, () => nowTimestamp());
    this.dataPlane = new DataPlane({
      serverHeader: opts.serverHeader,
      resolve: (ns, svc) => this.resolveService(ns, svc),
    });
  }

  async start(): Promise<void> {
    this.ensureGatewayClass();
    if (this.opts.controllerName === ISTIO_CONTROLLER) this.ensureControlPlane();
    this.unsubscribe = this.store.subscribe((e) => this.onEvent(e));
    this.schedule();
    await this.running;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.retryTimer);
    for (const t of this.addressTimers.values()) clearTimeout(t);
    this.addressTimers.clear();
    await this.running?.catch(() => undefined);
    await Promise.allSettled([this.dataPlane.stop(), this.workloads.stop()]);
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
    const classes = this.reconcileGatewayClasses();
    const owned = this.ownedGateways(classes);
    this.reconcileInfrastructure(owned);
    await this.workloads.reconcile();
    await this.reconcileListeners(owned);
    const { attached, tables } = this.reconcileRoutes(owned);
    this.reconcileGatewayStatus(owned, attached);
    for (const gw of owned.values()) {
      const ref = { namespace: gw.obj.metadata.namespace ?? 'default', name: gw.obj.metadata.name };
      for (const l of this.dataPlane.listenerNames(ref)) {
        const specPort = gw.spec.listeners?.find((x) => x.name === l)?.port;
        this.dataPlane.setRoutes(ref, l, tables.get(gatewayKey(ref.namespace, ref.name))?.get(l) ?? [], specPort);
      }
    }
  }

  private ensureGatewayClass(): void {
    if (this.store.get(GATEWAY_API_VERSION, 'GatewayClass', undefined, this.opts.gatewayClassName)) return;
    try {
      this.store.create({
        apiVersion: GATEWAY_API_VERSION,
        kind: 'GatewayClass',
        metadata: { name: this.opts.gatewayClassName },
        spec: { controllerName: this.opts.controllerName, description: 'The default Istio GatewayClass' },
      });
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }

  /** What `istioctl install --set profile=minimal` leaves behind that the harness looks at: istiod. */
  private ensureControlPlane(): void {
    const create = (obj: KubeObject) => {
      try {
        this.store.create(obj);
      } catch (error) {
        if (!(error instanceof StoreConflictError)) throw error;
      }
    };
    create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: CONTROL_PLANE_NAMESPACE },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    const labels = { app: 'istiod', istio: 'pilot' };
    create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istiod', namespace: CONTROL_PLANE_NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'discovery', image: `docker.io/istio/pilot:${pins.istio.version}` }] },
        },
      },
    });
  }

  /** Accept every GatewayClass naming our controller; returns their names. */
  private reconcileGatewayClasses(): Set<string> {
    const names = new Set<string>();
    for (const gc of this.store.list(GATEWAY_API_VERSION, 'GatewayClass')) {
      if ((gc.spec as { controllerName?: string } | undefined)?.controllerName !== this.opts.controllerName) continue;
      names.add(gc.metadata.name);
      const existing = (gc.status ?? {}) as { conditions?: never[] };
      const status = {
        ...existing,
        conditions: setConditions(
          existing.conditions,
          [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Handled by Istio controller' }],
          gc.metadata.generation ?? 1,
        ),
      };
      this.writeStatus(gc, status);
    }
    return names;
  }

  private ownedGateways(classes: Set<string>): Map<string, OwnedGateway> {
    const owned = new Map<string, OwnedGateway>();
    for (const gw of this.store.list(GATEWAY_API_VERSION, 'Gateway')) {
      const spec = (gw.spec ?? {}) as GatewaySpec;
      if (!classes.has(spec.gatewayClassName)) continue;
      owned.set(gatewayKey(gw.metadata.namespace, gw.metadata.name), {
        obj: gw,
        spec,
        listeners: evaluateListeners(spec.listeners ?? []),
      });
    }
    return owned;
  }

  /** `<gw>-istio` Deployment + Service for ours; remove them for Gateways that are gone or no longer ours. */
  private reconcileInfrastructure(owned: Map<string, OwnedGateway>): void {
    for (const [key, gw] of owned) {
      this.provisioned.add(key);
      this.ensureObject(gatewayDeployment(gw.obj));
      const svc = this.ensureObject(gatewayService(gw.obj));
      this.scheduleAddress(svc);
    }
    for (const key of [...this.provisioned]) {
      if (owned.has(key)) continue;
      this.provisioned.delete(key);
      const [namespace, name] = key.split('/');
      for (const [apiVersion, kind] of [
        ['v1', 'Service'],
        ['apps/v1', 'Deployment'],
      ] as const) {
        const obj = this.store.get(apiVersion, kind, namespace, infraName(name));
        if (obj?.metadata.labels?.[MANAGED_LABEL]) this.store.delete(apiVersion, kind, namespace, infraName(name));
      }
      void this.dataPlane.closeGateway({ namespace, name });
      this.log('info', `removed gateway resources for ${key}`);
    }
  }

  /** Create `desired` or bring an existing object's labels/owner/spec in line; returns the stored object. */
  private ensureObject(desired: KubeObject): KubeObject {
    const { apiVersion, kind, metadata } = desired;
    const existing = this.store.get(apiVersion, kind, metadata.namespace, metadata.name);
    if (!existing) {
      this.log('info', `creating ${kind} ${metadata.namespace}/${metadata.name}`);
      return this.store.create(desired);
    }
    // Only the fields we set are ours; anything others added (defaults, annotations) stays.
    const next: KubeObject = {
      ...existing,
      metadata: { ...existing.metadata, labels: metadata.labels, ownerReferences: metadata.ownerReferences },
      spec: { ...((existing.spec ?? {}) as object), ...((desired.spec ?? {}) as object) },
    };
    if (metadata.annotations)
      next.metadata.annotations = { ...(existing.metadata.annotations ?? {}), ...metadata.annotations };
    if (sameJson({ m: next.metadata, s: next.spec }, { m: existing.metadata, s: existing.spec })) return existing;
    const { resourceVersion: _rv, ...rest } = next.metadata;
    return this.store.update({ ...next, metadata: rest as KubeObject['metadata'] });
  }

  /** MetalLB's part: the LoadBalancer Service gets an address after a delay. */
  private scheduleAddress(svc: KubeObject): void {
    const ingress = ((svc.status ?? {}) as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress;
    const uid = svc.metadata.uid ?? '';
    if ((ingress && ingress.length > 0) || this.addressTimers.has(uid)) return;
    const timer = setTimeout(() => {
      this.addressTimers.delete(uid);
      if (this.stopped) return;
      const current = this.store.get('v1', 'Service', svc.metadata.namespace, svc.metadata.name);
      if (!current || current.metadata.uid !== uid) return;
      this.store.updateStatus({
        ...current,
        status: { ...((current.status ?? {}) as object), loadBalancer: { ingress: [{ ip: LOOPBACK, ipMode: 'VIP' }] } },
      });
      this.log('info', `assigned address ${LOOPBACK} to Service ${svc.metadata.namespace}/${svc.metadata.name}`);
    }, this.addressDelayMs);
    timer.unref?.();
    this.addressTimers.set(uid, timer);
  }

  private async reconcileListeners(owned: Map<string, OwnedGateway>): Promise<void> {
    for (const gw of owned.values()) {
      const ref = { namespace: gw.obj.metadata.namespace ?? 'default', name: gw.obj.metadata.name };
      const wanted = new Set(gw.listeners.filter((l) => l.attachable).map((l) => l.listener.name));
      for (const name of wanted) await this.dataPlane.ensureListener(ref, name);
      for (const name of this.dataPlane.listenerNames(ref))
        if (!wanted.has(name)) await this.dataPlane.closeListener(ref, name);
    }
  }

  private namespaceLabels(namespace: string): Record<string, string> {
    const ns = this.store.get('v1', 'Namespace', undefined, namespace);
    // The API server sets this label on every namespace; selectors commonly use it.
    return { ...(ns?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
  }

  private referenceLookup(): ReferenceLookup {
    return {
      serviceExists: (ns, name) => this.store.get('v1', 'Service', ns, name) !== undefined,
      referenceGrants: (ns) =>
        this.store.list(`${GATEWAY_GROUP}/v1beta1`, 'ReferenceGrant', ns).map((g) => g.spec as ReferenceGrantSpec),
    };
  }

  /** Route parent status, attachment counts per listener, and the data plane's route tables. */
  private reconcileRoutes(owned: Map<string, OwnedGateway>): {
    attached: Map<string, Map<string, number>>;
    tables: Map<string, Map<string, ListenerRoutes>>;
  } {
    const attached = new Map<string, Map<string, number>>();
    const tables = new Map<string, Map<string, ListenerRoutes>>();
    const lookup = this.referenceLookup();
    const allGateways = new Map(
      this.store
        .list(GATEWAY_API_VERSION, 'Gateway')
        .map((g) => [gatewayKey(g.metadata.namespace, g.metadata.name), g]),
    );

    for (const obj of this.store.list(GATEWAY_API_VERSION, 'HTTPRoute')) {
      const namespace = obj.metadata.namespace ?? 'default';
      const spec = (obj.spec ?? {}) as HTTPRouteSpec;
      const route: RouteView = { namespace, name: obj.metadata.name, generation: obj.metadata.generation ?? 1, spec };
      const outcomes: ParentOutcome[] = [];
      const listenersHere = new Map<string, Map<string, string[]>>(); // gateway key -> listener -> hostnames

      for (const ref of spec.parentRefs ?? []) {
        const target = parentTarget(ref, namespace);
        if (target.group !== GATEWAY_GROUP || target.kind !== 'Gateway') continue; // mesh parents are not ours
        const key = gatewayKey(target.namespace, target.name);
        const gw = owned.get(key);
        if (!gw) {
          if (allGateways.has(key)) continue; // another controller's Gateway: not ours to report on
          outcomes.push({
            ref,
            attachment: { accepted: false, reason: 'NoMatchingParent', message: 'parent gateway not found' },
          });
          continue;
        }
        const view: GatewayView = { namespace: target.namespace, name: target.name, listeners: gw.listeners };
        const attachment = attachToGateway(route, ref, view, this.namespaceLabels(namespace));
        outcomes.push({ ref, attachment });
        if (!attachment.accepted) continue;
        const perListener = listenersHere.get(key) ?? new Map<string, string[]>();
        for (const l of attachment.listeners)
          perListener.set(l.name, [...new Set([...(perListener.get(l.name) ?? []), ...l.hostnames])]);
        listenersHere.set(key, perListener);
      }

      const existing = ((obj.status ?? {}) as { parents?: RouteParentStatus[] }).parents;
      const ours = (existing ?? []).some((p) => p.controllerName === this.opts.controllerName);
      if (outcomes.length > 0 || ours) {
        const refs = resolveRouteRefs(route, lookup);
        const parents = buildRouteParents(route, existing, outcomes, refs, this.opts.controllerName, nowTimestamp());
        this.writeStatus(obj, { ...((obj.status ?? {}) as object), parents });
      }

      const rules = this.dataPlaneRules(route, lookup);
      for (const [key, perListener] of listenersHere) {
        const counts = attached.get(key) ?? new Map<string, number>();
        const table = tables.get(key) ?? new Map<string, ListenerRoutes>();
        for (const [listener, hostnames] of perListener) {
          counts.set(listener, (counts.get(listener) ?? 0) + 1);
          table.set(listener, [
            ...(table.get(listener) ?? []),
            {
              namespace,
              name: obj.metadata.name,
              creationTimestamp: obj.metadata.creationTimestamp ?? '',
              hostnames,
              rules,
            },
          ]);
        }
        attached.set(key, counts);
        tables.set(key, table);
      }
    }
    return { attached, tables };
  }

  private dataPlaneRules(route: RouteView, lookup: ReferenceLookup): DataPlaneRule[] {
    return (route.spec.rules ?? []).map((rule) => ({
      matches: rule.matches,
      filters: rule.filters,
      backends: (rule.backendRefs ?? []).map((ref) => {
        const resolution = resolveBackendRef(ref, route.namespace, lookup);
        return {
          weight: ref.weight ?? 1,
          filters: ref.filters,
          target: resolution.ok
            ? { kind: 'service' as const, namespace: ref.namespace ?? route.namespace, name: ref.name, port: ref.port }
            : { kind: 'invalid' as const, reason: resolution.reason },
        };
      }),
    }));
  }

  private reconcileGatewayStatus(owned: Map<string, OwnedGateway>, attached: Map<string, Map<string, number>>): void {
    for (const [key, gw] of owned) {
      const namespace = gw.obj.metadata.namespace ?? 'default';
      const latest = this.store.get(GATEWAY_API_VERSION, 'Gateway', namespace, gw.obj.metadata.name);
      // Changed while this pass awaited servers: the next pass (already scheduled) reports it.
      if (!latest || latest.metadata.generation !== gw.obj.metadata.generation) continue;
      const svc = this.store.get('v1', 'Service', namespace, infraName(gw.obj.metadata.name));
      const ingress =
        ((svc?.status ?? {}) as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } }).loadBalancer
          ?.ingress ?? [];
      const address = ingress[0]?.ip ?? ingress[0]?.hostname;
      const status = buildGatewayStatus(
        latest.status as Parameters<typeof buildGatewayStatus>[0],
        {
          generation: latest.metadata.generation ?? 1,
          listeners: gw.listeners,
          attachedRoutes: attached.get(key) ?? new Map(),
          serviceHost: serviceHost(gw.obj.metadata.name, namespace),
          address,
        },
        nowTimestamp(),
      );
      this.writeStatus(latest, status);
    }
  }

  /** Write status only when it differs from what is stored. */
  private writeStatus(obj: KubeObject, status: unknown): void {
    const latest = this.store.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
    if (!latest || sameJson(latest.status, status)) return;
    const { resourceVersion: _rv, ...metadata } = latest.metadata;
    this.store.updateStatus({ ...latest, metadata: metadata as KubeObject['metadata'], status });
    this.log(
      'info',
      `updated status of ${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`,
    );
  }

  private resolveService(namespace: string, name: string): ResolvedService {
    const svc = this.store.get('v1', 'Service', namespace, name);
    if (!svc) return { status: 'missing' };
    const selector = ((svc.spec ?? {}) as { selector?: Record<string, string> }).selector ?? {};
    const { endpoints } = this.workloads.endpointsFor(namespace, selector);
    if (endpoints.length === 0) return { status: 'no-endpoints' };
    const endpoint = endpoints[Math.floor(Math.random() * endpoints.length)];
    return { status: 'ok', endpoint, upstreamHost: `${endpoint.host}:${endpoint.port}` };
  }
}
