import type { GatewayRef } from '../../types.ts';
import type { KubeObject } from '../apiserver/store.ts';
import { type ControllerContext, ensureObject } from './context.ts';
import { gatewayDeployment, gatewayService, infraName, MANAGED_LABEL } from './gateway-infra.ts';
import type { OwnedGateway } from './gateways.ts';

/** The address the simulated load balancer hands out: the data plane listens on loopback. */
const LOOPBACK = '127.0.0.1';

/**
 * Istio's automated deployment: a `<gw>-istio` Deployment and LoadBalancer Service per owned
 * Gateway, removed when the Gateway goes or changes class; and MetalLB's part, an address on the
 * Service after a delay.
 */
export class GatewayProvisioner {
  /** Gateways we provisioned, so deleting one (or moving it to another class) cleans up. */
  private readonly provisioned = new Set<string>();
  private readonly addressTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly addressDelayMs: number,
    /** Called for each Gateway whose resources were removed (its listeners should close). */
    private readonly onRemoved: (gw: GatewayRef) => void,
  ) {}

  reconcile(owned: Map<string, OwnedGateway>): void {
    for (const [key, gw] of owned) {
      this.provisioned.add(key);
      ensureObject(this.ctx, gatewayDeployment(gw.obj));
      const svc = ensureObject(this.ctx, gatewayService(gw.obj));
      this.scheduleAddress(svc);
    }
    for (const key of [...this.provisioned]) {
      if (owned.has(key)) continue;
      this.provisioned.delete(key);
      const [namespace, name] = key.split('/');
      this.removeManaged(namespace, infraName(name));
      this.onRemoved({ namespace, name });
      this.ctx.log('info', `removed gateway resources for ${key}`);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.addressTimers.values()) clearTimeout(t);
    this.addressTimers.clear();
  }

  /** Delete the Service and Deployment of that name, if they carry our managed label. */
  private removeManaged(namespace: string, name: string): void {
    const { store } = this.ctx;
    for (const [apiVersion, kind] of [
      ['v1', 'Service'],
      ['apps/v1', 'Deployment'],
    ] as const) {
      const obj = store.get(apiVersion, kind, namespace, name);
      if (obj?.metadata.labels?.[MANAGED_LABEL]) store.delete(apiVersion, kind, namespace, name);
    }
  }

  /** MetalLB's part: the LoadBalancer Service gets an address after a delay. */
  private scheduleAddress(svc: KubeObject): void {
    const ingress = ((svc.status ?? {}) as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress;
    const uid = svc.metadata.uid ?? '';
    if ((ingress && ingress.length > 0) || this.addressTimers.has(uid)) return;
    const timer = setTimeout(() => {
      this.addressTimers.delete(uid);
      if (this.stopped) return;
      this.assignAddress(svc, uid);
    }, this.addressDelayMs);
    timer.unref?.();
    this.addressTimers.set(uid, timer);
  }

  private assignAddress(svc: KubeObject, uid: string): void {
    const { store } = this.ctx;
    const current = store.get('v1', 'Service', svc.metadata.namespace, svc.metadata.name);
    if (!current || current.metadata.uid !== uid) return;
    store.updateStatus({
      ...current,
      status: { ...((current.status ?? {}) as object), loadBalancer: { ingress: [{ ip: LOOPBACK, ipMode: 'VIP' }] } },
    });
    this.ctx.log('info', `assigned address ${LOOPBACK} to Service ${svc.metadata.namespace}/${svc.metadata.name}`);
  }
}
