import type { ReachMode } from '../../../config/options.ts';
import type { KubeObject } from '../../../kube/types.ts';
import type { Logger } from '../../../log.ts';
import { retry } from '../../../retry.ts';
import { gatewayTarget } from '../../gateway-target.ts';
import type { Endpoint, GatewayRef } from '../../types.ts';
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
  /**
   * `--reach auto`: how long connects to the address are retried before choosing the relay.
   * On Linux MetalLB L2 answers ARP only once the Service has a ready endpoint (speaker
   * layer2_controller.go activeEndpointExists) and kube-proxy rejects LB IPs without one, so the
   * first connects right after the Gateway got its address may fail. Default 30 s.
   */
  directWindowMs?: number;
}

export const DEFAULT_DIRECT_WINDOW_MS = 30_000;
const CONNECT_TIMEOUT_MS = 3_000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;

/** Where to look when MetalLB gave the Gateway's LoadBalancer Service no address. */
export const METALLB_ADDRESS_HINT =
  'check that MetalLB assigned an address (kubectl -n metallb-system logs deploy/controller)';

/**
 * Reaches Gateways: direct when a TCP connect to the status address works (Linux + kind), else
 * (Docker Desktop, or --reach relay) through one relay container per target, started on demand.
 */
export class GatewayReach {
  private readonly relays = new Map<string, Promise<StartedRelay>>();

  constructor(
    private readonly config: ReachConfig,
    private readonly deps: ReachDeps,
    private readonly log: Logger,
  ) {}

  async endpoint(ref: GatewayRef, listener: string): Promise<Endpoint> {
    const target = gatewayTarget(await this.deps.getGateway(ref), ref, listener, METALLB_ADDRESS_HINT);
    if (this.config.mode === 'direct') return target;
    const key = `${target.host}:${target.port}`;
    let relay = this.relays.get(key);
    // A target that already fell back to a relay is not probed again (that would cost the window each time).
    if (!relay && this.config.mode === 'auto') {
      const windowMs = this.config.directWindowMs ?? DEFAULT_DIRECT_WINDOW_MS;
      if (await this.connectsWithin(target, windowMs)) return target;
      relay = this.relays.get(key); // a concurrent call may have started it meanwhile
      if (!relay) {
        this.log.info(
          `${key} did not accept a TCP connection within ${Math.round(windowMs / 1000)} s (Docker Desktop?); using a relay container`,
        );
      }
    }
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
        { windowMs, minDelayMs: FIRST_BACKOFF_MS, maxDelayMs: MAX_BACKOFF_MS },
      );
      return true;
    } catch {
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

export const defaultConnectable = tcpConnectable;
