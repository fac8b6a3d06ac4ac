import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../log.ts';
import type { Profile } from '../../profiles/types.ts';
import { inspectKubeconfigTarget, writeRunKubeconfig, type RunKubeconfig } from '../kubeconfig-file.ts';
import { describeSimFaults, type SimFaults } from '../../config/sim-faults.ts';
import { newSeed, seededRandom } from './seeded-random.ts';
import { startSimCluster, type SimCluster, type SimClusterOptions } from './simulated-cluster.ts';
import type { Endpoint, GatewayRef, Provider } from '../types.ts';
import { GATEWAY_API_VERSION } from '../../kube/gateway-api.ts';
import { describeRef, type ObjectRef } from '../../kube/types.ts';

export interface SimProviderOptions {
  /** Where to write the kubeconfig; default a private temp file. Undone at stop (see kubeconfig-file.ts). */
  kubeconfig?: string;
  /** Delay before the simulated load balancer assigns an address (exercises the waits). */
  addressDelayMs?: number;
  /** Faults to inject (--sim-faults) and the seed of their random draws (default: a new one, logged). */
  faults?: SimFaults;
  seed?: number;
}

/** Why start() failed when stop() came while it ran (an interrupt during provisioning). */
const STOPPED_WHILE_STARTING = 'the simulated cluster was stopped while it was starting';

/**
 * The `sim` provider: an in-process simulated cluster. It behaves like the profile's
 * implementation would (class name, controller name, `server` header) so the same suites run,
 * but it proves the harness only.
 */
export function createSimProvider(
  profile: Profile,
  options: SimProviderOptions = {},
): Provider & { sim(): SimCluster } {
  let cluster: SimCluster | undefined;
  let kubeconfig: RunKubeconfig | undefined;
  let tempDir: string | undefined;
  let logger: Logger | undefined;
  const instead = 'omit --kubeconfig to use a temporary file';

  /** The given --kubeconfig (taken exclusively), or a new file in a private temp directory. */
  async function writeKubeconfig(content: string): Promise<RunKubeconfig> {
    if (options.kubeconfig) return writeRunKubeconfig(options.kubeconfig, content, instead);
    tempDir = mkdtempSync(join(tmpdir(), 'kindgate-sim-'));
    return writeRunKubeconfig(join(tempDir, 'kubeconfig'), content, instead);
  }

  /** Close and remove what start() made so far; safe to call again. */
  async function release(): Promise<void> {
    const running = cluster;
    cluster = undefined;
    await running?.close();
    await kubeconfig?.remove();
    kubeconfig = undefined;
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    tempDir = undefined;
  }

  async function startCluster(log: Logger, stopping: AbortSignal): Promise<void> {
    // Each await may be where an interrupt's stop() arrives: what exists by then is released here,
    // once, since stop() waits for this to settle before it releases too.
    const checkNotStopped = () => {
      if (stopping.aborted) throw new Error(STOPPED_WHILE_STARTING);
    };
    try {
      // Never overwrite (and later delete) a kubeconfig kindgate did not write, e.g. ~/.kube/config
      // or the file of another running `kindgate up`; a device or FIFO is refused before any server listens.
      if (options.kubeconfig) await inspectKubeconfigTarget(options.kubeconfig, instead);
      checkNotStopped();
      const started = performance.now();
      const serverHeader = simServerHeader(profile);
      if (!profile.serverHeader.test(serverHeader)) {
        log.warn(serverHeaderMismatchMessage(profile, serverHeader));
      }
      cluster = await startSimCluster({
        gatewayClassName: profile.gatewayClassName,
        controllerName: profile.controllerName,
        serverHeader,
        addressDelayMs: options.addressDelayMs,
        ...faultOptions(options, log),
      });
      checkNotStopped();
      kubeconfig = await writeKubeconfig(cluster.kubeconfig());
      checkNotStopped();
      log.step(
        'simulated cluster started (proves the harness, not an implementation)',
        (performance.now() - started) / 1000,
      );
      log.phases?.add('cluster created', started, performance.now(), { detail: 'simulated, in process' });
      log.debug(`simulated API server at ${cluster.api.url}`);
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** The start() under way, if any, and how stop() tells it to give up. */
  let starting: { settled: Promise<void>; stop: AbortController } | undefined;

  return {
    name: 'sim',
    clusterOutlivesRun: false,
    async start(log: Logger) {
      logger = log;
      const stop = new AbortController();
      const run = startCluster(log, stop.signal);
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      starting = { settled, stop };
      try {
        await run;
      } finally {
        if (starting?.settled === settled) starting = undefined;
      }
    },
    // Safe at any moment of start() (an interrupt during provisioning): it tells start() to give up,
    // waits for it to settle, then removes what is left.
    async stop() {
      starting?.stop.abort();
      await starting?.settled;
      await release();
    },
    kubeconfigPath() {
      if (!kubeconfig) throw new Error('sim provider not started');
      return kubeconfig.path;
    },
    async endpoint(gateway: GatewayRef, listener: string): Promise<Endpoint> {
      const sim = this.sim();
      const gw = sim.store.get(GATEWAY_API_VERSION, 'Gateway', gateway.namespace, gateway.name);
      const addresses = ((gw?.status as { addresses?: { value?: string }[] } | undefined)?.addresses ?? []).filter(
        (a) => a.value,
      );
      if (addresses.length === 0) {
        throw new Error(
          `${describeRef(gatewayObjectRef(gateway))} has no address in status.addresses, so listener ${listener} cannot be reached.`,
        );
      }
      // Each listener is served at the status address on its own port; where that port could not
      // be bound, at a free port instead (the listener's status says so): the harness still gets there.
      const served = sim.controller.endpoint(gateway, listener);
      if (!served)
        throw new Error(
          `Listener ${listener} of ${describeRef(gatewayObjectRef(gateway))} is not served by the simulated data plane.`,
        );
      const problem = sim.controller.portProblem(gateway, listener);
      if (problem) logger?.warn(`listener ${listener} of ${describeRef(gatewayObjectRef(gateway))}: ${problem}`);
      return served;
    },
    sim() {
      if (!cluster) throw new Error('sim provider not started');
      return cluster;
    },
  };
}

/** The cluster's share of --sim-faults, with the seed said so a run can be repeated. */
function faultOptions(options: SimProviderOptions, log: Logger): Partial<SimClusterOptions> {
  const { faults } = options;
  if (!faults) return {};
  const seed = options.seed ?? newSeed();
  log.info(`sim faults: ${describeSimFaults(faults)} (seed ${seed}; --sim-seed ${seed} repeats the draws)`);
  return {
    apiFaults: {
      errorRate: faults.apiErrorRate,
      latencyMs: faults.apiLatencyMs,
      watchDropMs: faults.watchDropMs,
      random: seededRandom(seed),
    },
    unavailableFirstRequests: faults.dataplane503,
  };
}

function gatewayObjectRef(gateway: GatewayRef): ObjectRef {
  return { apiVersion: GATEWAY_API_VERSION, kind: 'Gateway', ...gateway };
}

function serverHeaderMismatchMessage(profile: Profile, serverHeader: string): string {
  return (
    `profile ${profile.name} expects a server header matching ${profile.serverHeader}, ` +
    `but the sim's data plane answers "${serverHeader}": the server-header test will fail on the sim`
  );
}

/**
 * The header value the sim's data plane answers with: Istio's for the istio profile; for any other
 * profile `envoy`, the common Envoy value (the sim impersonates built-in profiles only; it takes a
 * vendor profile's class and controller names, never its data plane).
 */
function simServerHeader(profile: Profile): string {
  return profile.name === 'istio' ? 'istio-envoy' : 'envoy';
}
