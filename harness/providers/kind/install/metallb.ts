import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { SetupError } from '../../../errors.ts';
import { conditionHolds } from '../../../kube/conditions.ts';
import { describeRef, type KubeObject } from '../../../kube/types.ts';
import type { Logger } from '../../../log.ts';
import { retry } from '../../../retry.ts';
import type { Engine } from '../engine.ts';
import { poolFromInspect, type Ipv4Pool } from '../pool.ts';
import type { MetallbPlan } from '../plan.ts';
import { ensureArtifact } from '../tools/artifact.ts';
import { FIELD_MANAGER, type InstallDeps } from './deps.ts';

/** IPAddressPool + L2Advertisement, metallb.io/v1beta1 (served + storage in v0.16.1's CRDs). */
export function metallbPoolManifest(
  plan: Pick<MetallbPlan, 'namespace' | 'poolName' | 'l2AdvertisementName'>,
  pool: Ipv4Pool,
): string {
  const meta = (name: string) => ({
    name,
    namespace: plan.namespace,
    labels: { 'app.kubernetes.io/managed-by': 'kindgate' },
  });
  return [
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: meta(plan.poolName),
      spec: { addresses: [pool.range] },
    },
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: meta(plan.l2AdvertisementName),
      spec: { ipAddressPools: [plan.poolName] },
    },
  ]
    .map((doc) => stringify(doc))
    .join('---\n');
}

/**
 * Right after the controller is Ready the validating webhook (Service metallb-webhook-service)
 * still refuses or times out for a while: the API server then cannot call it ("failed calling
 * webhook": connection refused, no endpoints, timeouts). Those are worth retrying; a webhook that
 * answered and denied the request (a bad pool, an overlapping range) is not.
 */
export function isWebhookNotReady(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  if (/denied the request/i.test(text)) return false;
  return /failed calling webhook|connection refused|no endpoints available|i\/o timeout|context deadline exceeded|\bEOF\b|ECONNRESET|\b50[03]\b/i.test(
    text,
  );
}

function poolRefusedMessage(plan: MetallbPlan, pool: Ipv4Pool, attempts: number, waited: number, error: Error): string {
  const why = error.message.replace(/\.$/, '');
  const fix = `check the webhook with \`kubectl -n ${plan.namespace} logs deploy/controller\` (kubeconfig of this run) and retry`;
  const ref = describeRef({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    namespace: plan.namespace,
    name: plan.poolName,
  });
  return `MetalLB refused ${ref} (${pool.range}) after ${attempts} attempt(s) in ${waited} s: ${why}; ${fix}.`;
}

interface DaemonSetStatus {
  observedGeneration?: number;
  desiredNumberScheduled?: number;
  numberReady?: number;
}

/**
 * A DaemonSet whose every scheduled pod is Ready at its latest generation: the controller has seen
 * the current spec (observedGeneration >= generation) and numberReady == desiredNumberScheduled,
 * with at least one pod (zero of zero would pass before the controller scheduled anything).
 */
export function daemonSetReady(ds: KubeObject | undefined): boolean {
  if (!ds) return false;
  const status = (ds.status ?? {}) as DaemonSetStatus;
  const desired = status.desiredNumberScheduled ?? 0;
  const seen = (status.observedGeneration ?? 0) >= (ds.metadata.generation ?? 1);
  return seen && desired > 0 && status.numberReady === desired;
}

/** The `what` of the speaker wait: the condition, so a timeout names it. */
export const DAEMONSET_READY =
  'every scheduled pod Ready (numberReady == desiredNumberScheduled) at its latest generation';

export async function installMetallb(
  plan: MetallbPlan,
  deps: InstallDeps & {
    engine: Engine;
    network: string;
    /** picks this cluster's slice of the shared network */ clusterName: string;
  },
  log: Logger,
): Promise<Ipv4Pool> {
  const { signal } = deps;
  const { path } = await ensureArtifact(plan.manifest, deps.download, log, signal);
  await deps.kube.apply(await readFile(path, 'utf8'), { fieldManager: FIELD_MANAGER, force: true, signal });
  await deps.kube.waitFor(plan.controller, (d) => conditionHolds(d, 'Available'), {
    timeoutMs: plan.controllerTimeoutMs,
    what: 'Available=True',
    signal,
  });
  // The speaker answers ARP for the pool's addresses; without it a Gateway's address is assigned but unreachable.
  await deps.kube.waitFor(plan.speaker, daemonSetReady, {
    timeoutMs: plan.speakerTimeoutMs,
    what: DAEMONSET_READY,
    signal,
  });

  const inspect = await deps.run(plan.networkInspect, log, { signal });
  const pool = poolFromInspect(deps.engine, inspect.stdout, deps.clusterName, deps.network);
  log.debug(
    `MetalLB pool ${pool.range} from ${deps.engine} network ${deps.network} (${pool.subnet}; slice ${pool.slice + 1} of ${pool.slices}, from the cluster name)`,
  );
  const manifest = metallbPoolManifest(plan, pool);
  const started = Date.now();
  let attempts = 0;
  await retry(
    async () => {
      attempts += 1;
      await deps.kube.apply(manifest, { fieldManager: FIELD_MANAGER, force: true, signal });
    },
    {
      windowMs: plan.poolRetryMs,
      minDelayMs: 1_000,
      maxDelayMs: 5_000,
      shouldRetry: isWebhookNotReady,
      onRetry: (error, attempt) => log.debug(`MetalLB pool apply attempt ${attempt} refused: ${error.message}`),
      signal,
    },
  ).catch((error: Error) => {
    const waited = Math.round((Date.now() - started) / 1000);
    throw new SetupError(poolRefusedMessage(plan, pool, attempts, waited, error), { cause: error });
  });
  return pool;
}
