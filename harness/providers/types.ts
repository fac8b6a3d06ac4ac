import type { Logger } from '../log.ts';

/** Where a listener of a Gateway can be reached from the machine running the suites. */
export interface Endpoint {
  host: string;
  port: number;
}

export interface GatewayRef {
  namespace: string;
  name: string;
}

/** What a command tells the provider about itself. */
export interface ProviderUse {
  /**
   * existing: what the run will do in the user's cluster, completing "pass --allow-existing to
   * let it … there". Default: applying the fixtures in the run's namespaces (`kindgate test`).
   */
  changes?: string;
}

export interface StartHooks {
  /** Called when start fails, while what it created still exists. Must not throw. */
  beforeCleanup?(error: unknown): Promise<void>;
}

/**
 * A provider answers where the cluster comes from and how to reach a Gateway.
 * `start` must leave nothing behind when it throws; `stop` is idempotent.
 */
export interface Provider {
  readonly name: 'sim' | 'kind' | 'existing';
  /**
   * True when the cluster was there before the run and stays after it (an existing cluster, a
   * reused kind cluster): teardown then removes the namespaces this run created, and nothing else.
   */
  readonly clusterOutlivesRun: boolean;
  /**
   * Bring up (or attach to) the cluster; after this `kubeconfig` is usable. On failure it cleans
   * up after itself, calling `hooks.beforeCleanup` first so diagnostics can still be collected.
   */
  start(log: Logger, hooks?: StartHooks): Promise<void>;
  /** Tear down what `start` created (unless kept); safe to call twice or after a failed start. */
  stop(log: Logger): Promise<void>;
  /** Path of a kubeconfig file for the cluster (private to this run). */
  kubeconfigPath(): string;
  /**
   * How to reach listener `listener` (by name) of Gateway `gateway`.
   * Reads Gateway.status.addresses (never Service names).
   */
  endpoint(gateway: GatewayRef, listener: string): Promise<Endpoint>;
  /** Provider-specific diagnostics written into `dir` (kind: `kind export logs`). Never throws. */
  diagnose?(dir: string, log: Logger): Promise<void>;
}
