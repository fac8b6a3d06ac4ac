import type { ReachMode } from '../../../config/options.ts';
import { SetupError } from '../../../errors.ts';
import type { KubeObject } from '../../../kube/types.ts';
import type { Logger } from '../../../log.ts';
import { retry } from '../../../retry.ts';
import { gatewayTarget } from '../../gateway-target.ts';
import type { Endpoint, GatewayRef } from '../../types.ts';
import type { StartedRelay, StartRelay } from './relay.ts';
import type { HostRouting } from './routing.ts';
import { unreachableMessage, type ReachFacts } from './unreachable.ts';

export interface ReachDeps {
  getGateway(ref: GatewayRef): Promise<KubeObject | undefined>;
  connectable(host: string, port: number, timeoutMs: number): Promise<boolean>;
  startRelay: StartRelay;
  /** Why a Gateway address did not answer, from the cluster (its Service, endpoints, MetalLB speaker, events). */
  explainUnreachable(gateway: GatewayRef, target: Endpoint): Promise<ReachFacts>;
}

export interface ReachConfig {
  mode: ReachMode;
  /** Whether the kind network is routable from this host (reach/routing.ts); --reach auto follows it. */
  routing: HostRouting;
  relayImage: string;
  network: string;
  labels: Record<string, string>;
  /**
   * `--reach auto` on a routable host: how long connects to the address are retried (the gateway
   * timeout). On Linux MetalLB L2 answers ARP only once the Service has a ready endpoint (speaker
   * layer2_controller.go activeEndpointExists) and kube-proxy rejects LB IPs without one, so the
   * first connects right after the Gateway got its address may fail. A relay would not help here:
   * it sits on the same L2 network and would fail the same way.
   */
  directWaitMs: number;
  /** The run's cancellation: a teardown ends a wait for an address at once. */
  signal?: AbortSignal;
}

const CONNECT_TIMEOUT_MS = 3_000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;

/** Where to look when MetalLB gave the Gateway's LoadBalancer Service no address. */
export const METALLB_ADDRESS_HINT =
  'check that MetalLB assigned an address (kubectl -n metallb-system logs deploy/controller)';

/** A Gateway address that never answered, with what the cluster said about it (for diagnostics). */
export interface UnreachableGateway {
  gateway: GatewayRef;
  target: Endpoint;
  waitedMs: number;
  facts: ReachFacts;
}

/**
 * Reaches Gateways. `--reach auto`: where the kind network is routable from this host (Linux with
 * a local rootful engine) the status address directly, waiting for it up to the gateway timeout;
 * elsewhere (macOS, Docker Desktop, rootless or remote engines) through one relay container per
 * target, started on demand. `direct` and `relay` force one way.
 */
export class GatewayReach {
  private readonly relays = new Map<string, Promise<StartedRelay>>();
  private relayReasonLogged = false;
  /** Gateway addresses that did not answer, newest last. */
  readonly unreachable: UnreachableGateway[] = [];

  constructor(
    private readonly config: ReachConfig,
    private readonly deps: ReachDeps,
    private readonly log: Logger,
  ) {}

  async endpoint(ref: GatewayRef, listener: string): Promise<Endpoint> {
    const target = gatewayTarget(await this.deps.getGateway(ref), ref, listener, METALLB_ADDRESS_HINT);
    const { mode, routing } = this.config;
    if (mode === 'direct') return target;
    if (mode === 'auto' && routing.routable) return this.direct(ref, target);
    if (mode === 'auto' && !this.relayReasonLogged) {
      this.relayReasonLogged = true;
      this.log.info(`reaching Gateways through a relay container: ${routing.why}`);
    }
    return this.relayTo(target);
  }

  /** The address itself, once it accepts a connection; otherwise an error saying what the cluster shows. */
  private async direct(ref: GatewayRef, target: Endpoint): Promise<Endpoint> {
    const waitedMs = this.config.directWaitMs;
    if (await this.connectsWithin(target, waitedMs)) return target;
    const facts = await this.deps.explainUnreachable(ref, target);
    this.unreachable.push({ gateway: ref, target, waitedMs, facts });
    throw new SetupError(unreachableMessage(ref, target, waitedMs, facts));
  }

  private async relayTo(target: Endpoint): Promise<Endpoint> {
    const key = `${target.host}:${target.port}`;
    let relay = this.relays.get(key);
    if (!relay) {
      relay = this.deps.startRelay(
        { image: this.config.relayImage, network: this.config.network, target, labels: this.config.labels },
        this.log,
      );
      this.relays.set(key, relay);
      relay.catch(() => this.relays.delete(key));
    }
    return (await relay).endpoint;
  }

  /** Try connecting until one works or `windowMs` has passed (at least one try), backing off in between. */
  private async connectsWithin(target: Endpoint, windowMs: number): Promise<boolean> {
    const deadline = performance.now() + windowMs;
    const key = `${target.host}:${target.port}`;
    try {
      await retry(
        async (attempt) => {
          const timeout = Math.min(CONNECT_TIMEOUT_MS, Math.max(500, deadline - performance.now()));
          if (!(await this.deps.connectable(target.host, target.port, timeout))) throw new Error(`${key} refused`);
          if (attempt > 1) this.log.debug(`${key} accepted a connection at attempt ${attempt}`);
        },
        { windowMs, minDelayMs: FIRST_BACKOFF_MS, maxDelayMs: MAX_BACKOFF_MS, signal: this.config.signal },
      );
      return true;
    } catch (error) {
      if (this.config.signal?.aborted) throw error;
      return false;
    }
  }

  /** Remove every relay started; safe to call twice. */
  async close(): Promise<void> {
    const started = [...this.relays.values()];
    this.relays.clear();
    await Promise.all(
      started.map((p) =>
        p.then(
          (r) => r.stop(),
          () => undefined,
        ),
      ),
    );
  }
}
