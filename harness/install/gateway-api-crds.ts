import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { SetupError } from '../errors.ts';
import { conditionHolds } from '../kube/conditions.ts';
import type { Logger } from '../log.ts';
import type { CrdsPlan } from '../plan/kind-plan.ts';
import { ensureArtifact } from '../tools/artifact.ts';
import { FIELD_MANAGER, type InstallDeps } from './deps.ts';

/**
 * Gateway API v1.5+ bundles carry the ValidatingAdmissionPolicy
 * `safe-upgrades.gateway.networking.k8s.io` (config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml)
 * that denies CRD writes it considers unsafe (older bundles, experimental over standard); on
 * --reuse that surfaces as an obscure apply error, so it is translated into one sentence.
 */
export const SAFE_UPGRADES_POLICY = 'safe-upgrades.gateway.networking.k8s.io';

export function crdNames(bundleYaml: string): string[] {
  return parseAllDocuments(bundleYaml)
    .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((obj) => obj?.kind === 'CustomResourceDefinition' && obj.metadata?.name)
    .map((obj) => obj!.metadata!.name!);
}

export function safeUpgradeRefusal(error: unknown, plan: Pick<CrdsPlan, 'version' | 'channel'>): SetupError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!text.includes(SAFE_UPGRADES_POLICY)) return undefined;
  return new SetupError(
    `The cluster's ValidatingAdmissionPolicy ${SAFE_UPGRADES_POLICY} refused the Gateway API ${plan.version} ${plan.channel} CRDs because the cluster already has CRDs this bundle may not replace (a newer version or another channel); run without --reuse for a fresh cluster, or pick the matching --channel.`,
    { cause: error },
  );
}

export async function installGatewayApiCrds(plan: CrdsPlan, deps: InstallDeps, log: Logger): Promise<string[]> {
  const { path } = await ensureArtifact(plan.bundle, deps.download, log);
  const bundle = await readFile(path, 'utf8');
  try {
    // Server-side: the CRDs exceed the client-side last-applied annotation limit.
    await deps.kube.apply(bundle, { fieldManager: FIELD_MANAGER, force: true });
  } catch (error) {
    throw safeUpgradeRefusal(error, plan) ?? error;
  }
  const names = crdNames(bundle);
  await Promise.all(
    names.map((name) =>
      deps.kube.waitFor(
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name },
        (crd) => conditionHolds(crd, 'Established'),
        { timeoutMs: plan.establishedTimeoutMs, what: 'Established=True' },
      ),
    ),
  );
  return names;
}
