import type { GatewayRef } from '../../types.ts';
import type { KubeObject } from '../apiserver/store.ts';
import { type ControllerContext, ensureObject } from './context.ts';
import { gatewayDeployment, gatewayService, infraName, MANAGED_LABEL } from './gateway-infra.ts';
import type { OwnedGateway } from './gateways.ts';
import type { LoopbackAddresses } from './loopback-addresses.ts';

/**
 * Istio's automated deployment: a `<gw>-istio` Deployment and LoadBalancer Service per owned
 * Gateway, removed when the Gateway goes or changes class; and MetalLB's part, an address on the
 * Service after a delay: the Gateway's own loopback address from the pool (loopback-addresses.ts),
 * held until the Gateway goes.
 */
export class GatewayProvisioner {
  /** Gateways we provisioned, so deleting one (or moving it to another class) cleans up. */
  private readonly provisioned = new Set<string>();
  private readonly addressTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly addressDelayMs: number,
    private readonly addresses: LoopbackAddresses,
    /** Called for each Gateway whose resources were removed (its listeners should close). */
    private readonly onRemoved: (gw: GatewayRef) => void,
  ) {}

  reconcile(owned: Map<string, OwnedGateway>): void {
    for (const [key, gw] of owned) {
      this.provisioned.add(key);
      ensureObject(this.ctx, gatewayDeployment(gw.obj));
      const svc = ensureObject(this.ctx, gatewayService(gw.obj));
      this.scheduleAddress(svc, key);
    }
    for (const key of [...this.provisioned]) {
      if (owned.has(key)) continue;
      this.provisioned.delete(key);
      this.addresses.release(key);
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
  private scheduleAddress(svc: KubeObject, gatewayKey: string): void {
    const ingress = ((svc.status ?? {}) as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress;
    const uid = svc.metadata.uid ?? '';
    if ((ingress && ingress.length > 0) || this.addressTimers.has(uid)) return;
    const timer = setTimeout(() => {
      this.addressTimers.delete(uid);
      if (this.stopped) return;
      this.assignAddress(svc, uid, gatewayKey);
    }, this.addressDelayMs);
    timer.unref?.();
    this.addressTimers.set(uid, timer);
  }

  private assignAddress(svc: KubeObject, uid: string, gatewayKey: string): void {
    const { store } = this.ctx;
    const current = store.get('v1', 'Service', svc.metadata.namespace, svc.metadata.name);
    if (!current || current.metadata.uid !== uid || !this.provisioned.has(gatewayKey)) return;
    const where = `Service ${svc.metadata.namespace}/${svc.metadata.name}`;
    const ip = this.addresses.allocate(gatewayKey);
    if (!ip) return this.ctx.log('error', `no loopback address left for ${where}: every address of the block is held`);
    store.updateStatus({
      ...current,
      status: { ...((current.status ?? {}) as object), loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } },
    });
    this.ctx.log('info', `assigned address ${ip} to ${where}`);
  }
}
