/**
 * Everything a run can be told, after flags, config file and defaults are merged and validated.
 * Parsing lives in ./parse.ts; this module only holds the shape and the defaults.
 */
import type { ProfileConfig } from '../profiles/config.ts';
import type { SimFaults } from './sim-faults.ts';

/** Kind cluster names kindgate creates start with this prefix so `gc` can find stale ones. */
export const CLUSTER_PREFIX = 'kindgate-';

export type ProviderName = 'sim' | 'kind' | 'existing';
export type ReachMode = 'auto' | 'direct' | 'relay';
export type Channel = 'standard' | 'experimental';

export interface Timeouts {
  /** Gateway address and conditions (upstream conformance: 180 s). */
  gatewayMs: number;
  /** Route parent status (upstream: 60 s). */
  routeMs: number;
  /** One HTTP request (upstream: 10 s). */
  requestMs: number;
  /** Window for an HTTP expectation to hold (upstream: 30 s). */
  consistencyMs: number;
  /** Consecutive matching responses needed (upstream: 3). */
  consecutive: number;
  /** Backends Available after fixtures are applied. */
  backendsMs: number;
}

export interface RunOptions {
  provider: ProviderName;
  /** A built-in profile name (istio), or a vendor's profile from the config file; getProfile resolves it. */
  profile: string | ProfileConfig;
  /** Directory of templated manifests; undefined = the built-in fixtures. */
  fixturesDir?: string;
  /** Namespace of the applications and routes (default: one per run, `kindgate-<id>`). */
  namespace: string;
  /** Namespace of the Gateway (default: `<namespace>-gateway`, apart as in the tutorial). */
  gatewayNamespace: string;
  /**
   * Namespaces whose names kindgate generated for this run. Only these may be deleted at the
   * end, and only when this run created them: a name the user gave is never deleted.
   */
  ownedNamespaces: string[];
  hostname: string;
  listenerPort: number;
  httpbinImage: string;
  /** Where the kubeconfig of the cluster is written (sim, kind) or read (existing). */
  kubeconfig?: string;
  /** existing provider: kube context to use. */
  context?: string;
  /** kind provider: cluster name (always starts with `kindgate-`). */
  clusterName: string;
  reuse: boolean;
  keep: boolean;
  reach: ReachMode;
  relayImage: string;
  /** kind provider: pull the cluster's images on the host and `kind load` them into the node. */
  preloadImages?: boolean;
  channel: Channel;
  cacheDir: string;
  dryRun: boolean;
  /** up: return once ready, leaving the environment up until `kindgate down`. */
  detach?: boolean;
  /** existing provider: allow installing into / deleting from a cluster kindgate did not create. */
  allowExisting: boolean;
  reportDir: string;
  /** test --compare: report dir of an earlier run whose timings.json this run is held against. */
  compare?: string;
  /** Suites to run (catalog suite names); undefined = all. */
  suites?: string[];
  verbose: boolean;
  timeouts: Timeouts;
  /** sim provider: the faults it injects (--sim-faults); undefined = none. */
  simFaults?: SimFaults;
  /** sim provider: seed of the faults' random choices; undefined = a random one. */
  simSeed?: number;
}

export const defaultTimeouts: Timeouts = {
  gatewayMs: 180_000,
  routeMs: 60_000,
  requestMs: 10_000,
  consistencyMs: 30_000,
  consecutive: 3,
  backendsMs: 180_000,
};
