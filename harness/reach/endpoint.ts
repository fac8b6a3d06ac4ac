import { SetupError } from '../errors.ts';
import type { ReachMode } from '../config/options.ts';
import type { KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import type { Endpoint, GatewayRef } from '../providers/types.ts';
import type { StartedRelay, StartRelay } from './relay.ts';
import { tcpConnectable } from './tcp.ts';

export interface ReachDeps {
  getGateway(ref: GatewayRef): Promise<KubeObject | undefined>;
  connectable(host: string, port: number, timeoutMs: number): Promise<boolean>;
  startRelay: StartRelay;
}

export interface ReachConfig {
  mode: ReachMode;
  relayImage: string;
  network: string;
  labels: Record<string, string>;
}

/** The Gateway's address (Gateway.status.addresses, never a Service name) and the listener's port. */
export function gatewayTarget(gw: KubeObject | undefined, ref: GatewayRef, listener: string): Endpoint {
  const where = `Gateway ${ref.namespace}/${ref.name}`;
  if (!gw) throw new SetupError(`${where} does not exist; apply the fixtures first.`);
  const spec = gw.spec as { listeners?: { name: string; port: number }[] } | undefined;
  const port = spec?.listeners?.find((l) => l.name === listener)?.port;
  if (port === undefined) throw new SetupError(`${where} has no listener named "${listener}"; check the fixture's spec.listeners.`);
  const addresses = ((gw.status as { addresses?: { type?: string; value: string }[] } | undefined)?.addresses ?? []).filter((a) => a.value);
  const address = addresses.find((a) => (a.type ?? 'IPAddress') === 'IPAddress') ?? addresses[0];
  if (!address) {
    throw new SetupError(`${where} has no status.addresses, so there is nothing to send requests to; check that MetalLB assigned an address (kubectl -n metallb-system logs deploy/controller).`);
  }
  return { host: address.value, port };
}

/**
 * Reaches Gateways: direct when a TCP connect to the status address works (Linux + kind), else
 * (Docker Desktop, or --reach relay) through one relay container per target, started on demand.
 */
export class GatewayReach {
  private readonly relays = new Map<string, Promise<StartedRelay>>();

  constructor(private readonly config: ReachConfig, private readonly deps: ReachDeps, private readonly log: Logger) {}

  async endpoint(ref: GatewayRef, listener: string): Promise<Endpoint> {
    const target = gatewayTarget(await this.deps.getGateway(ref), ref, listener);
    if (this.config.mode === 'direct') return target;
    if (this.config.mode === 'auto' && (await this.deps.connectable(target.host, target.port, 3_000))) return target;
    if (this.config.mode === 'auto') this.log.info(`${target.host}:${target.port} is not reachable from this machine (Docker Desktop?); using a relay container`);
    const key = `${target.host}:${target.port}`;
    let relay = this.relays.get(key);
    if (!relay) {
      relay = this.deps.startRelay({ image: this.config.relayImage, network: this.config.network, target, labels: this.config.labels }, this.log);
      this.relays.set(key, relay);
      relay.catch(() => this.relays.delete(key));
    }
    return (await relay).endpoint;
  }

  /** Remove every relay started; safe to call twice. */
  async close(): Promise<void> {
    const started = [...this.relays.values()];
    this.relays.clear();
    await Promise.all(started.map((p) => p.then((r) => r.stop(), () => undefined)));
  }
}

export const defaultConnectable = tcpConnectable;
