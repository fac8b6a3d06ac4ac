import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { SetupError } from '../../../errors.ts';
import type { KubeObject } from '../../../kube/types.ts';
import type { Logger } from '../../../log.ts';
import type { CrdsPlan } from '../plan.ts';
import { ensureArtifact } from '../tools/artifact.ts';
import { waitForCrdsEstablished } from './crds-established.ts';
import { FIELD_MANAGER, type InstallDeps } from './deps.ts';

/**
 * Gateway API v1.5+ bundles carry the ValidatingAdmissionPolicy
 * `safe-upgrades.gateway.networking.k8s.io` (config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml).
 * At v1.6.1 it denies only two CRD writes: experimental-channel CRDs over standard-channel ones,
 * and bundles whose bundle-version is v0.x or v1.0-v1.5 (its message says "before v1.5.0"; its
 * regex `v1.[0-5].\d+` also matches v1.5.x). It does not stop a standard bundle replacing an
 * experimental one, nor (for v1.6.x) a downgrade to v1.6.x: kindgate checks those itself, before
 * applying (installedBundleConflict).
 */
export const SAFE_UPGRADES_POLICY = 'safe-upgrades.gateway.networking.k8s.io';

/** Annotations every CRD of a Gateway API bundle carries (e.g. v1.6.1 gateway.networking.k8s.io_gateways.yaml). */
export const BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';
export const CHANNEL_ANNOTATION = 'gateway.networking.k8s.io/channel';
/** The CRD read to learn what is installed (every bundle, either channel, has it). */
export const PROBE_CRD = 'gateways.gateway.networking.k8s.io';

export function crdNames(bundleYaml: string): string[] {
  return parseAllDocuments(bundleYaml)
    .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((obj) => obj?.kind === 'CustomResourceDefinition' && obj.metadata?.name)
    .map((obj) => obj!.metadata!.name!);
}

export function safeUpgradeRefusal(
  error: unknown,
  plan: Pick<CrdsPlan, 'version' | 'channel'>,
): SetupError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!text.includes(SAFE_UPGRADES_POLICY)) return undefined;
  return new SetupError(safeUpgradeRefusalMessage(plan), { cause: error });
}

function safeUpgradeRefusalMessage(plan: Pick<CrdsPlan, 'version' | 'channel'>): string {
  const what = `the Gateway API ${plan.version} ${plan.channel} CRDs`;
  const policy = 'it denies experimental-channel CRDs over standard-channel ones, and bundles older than it allows';
  const fix = 'run without --reuse for a fresh cluster, or pass the --channel of the CRDs installed there';
  return `The cluster's ValidatingAdmissionPolicy ${SAFE_UPGRADES_POLICY} refused ${what} (${policy}); ${fix}.`;
}

/** `v1.6.1`, `v1.7.0-rc.1` → comparable parts; undefined when it is not such a version. */
function parseVersion(text: string): { core: [number, number, number]; pre?: string } | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(text.trim());
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] };
}

/** -1, 0 or 1, semver-like (a pre-release sorts before its release); undefined when unparseable. */
export function compareBundleVersions(a: string, b: string): number | undefined {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] < y.core[i] ? -1 : 1;
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/**
 * The Gateway API CRDs already on the cluster, if any would be downgraded or switched to another
 * channel by applying the pinned bundle: one sentence saying what is there, what kindgate pins,
 * and how to fix it. Undefined when applying is safe (nothing installed, same, or older same channel).
 */
export function installedBundleConflict(
  crd: KubeObject | undefined,
  plan: Pick<CrdsPlan, 'version' | 'channel'>,
): SetupError | undefined {
  const annotations = crd?.metadata.annotations ?? {};
  const installedVersion = annotations[BUNDLE_VERSION_ANNOTATION];
  const installedChannel = annotations[CHANNEL_ANNOTATION];
  if (!crd || (!installedVersion && !installedChannel)) return undefined;
  const installed = `${installedVersion ?? 'an unknown version'} (${installedChannel ?? 'unknown'} channel)`;
  const pinned = `${plan.version} (${plan.channel} channel)`;
  const where = `annotations of CRD ${PROBE_CRD}`;
  if (installedVersion && (compareBundleVersions(installedVersion, plan.version) ?? 0) > 0) {
    return new SetupError(
      `The cluster already has Gateway API CRDs ${installed} (${where}), newer than the ${pinned} kindgate pins, ` +
        'and kindgate will not downgrade them; run on a fresh cluster without --reuse (or with another --name).',
    );
  }
  if (installedChannel && installedChannel !== plan.channel) {
    return new SetupError(
      `The cluster already has Gateway API CRDs ${installed} (${where}) and kindgate would switch them to the ${pinned}; ` +
        `pass --channel ${installedChannel}, or run on a fresh cluster without --reuse.`,
    );
  }
  return undefined;
}

export async function installGatewayApiCrds(plan: CrdsPlan, deps: InstallDeps, log: Logger): Promise<string[]> {
  // Before applying with force: a newer bundle or another channel would be silently replaced.
  const installed = await deps.kube.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: PROBE_CRD,
  });
  const conflict = installedBundleConflict(installed, plan);
  if (conflict) throw conflict;
  if (installed) {
    const annotations = installed.metadata.annotations ?? {};
    const there = `${annotations[BUNDLE_VERSION_ANNOTATION] ?? 'no bundle-version'} (${annotations[CHANNEL_ANNOTATION] ?? 'no channel'})`;
    log.debug(`Gateway API CRDs on the cluster: ${there}; applying ${plan.version} ${plan.channel}`);
  }
  const { path } = await ensureArtifact(plan.bundle, deps.download, log, deps.signal);
  const bundle = await readFile(path, 'utf8');
  try {
    // Server-side: the CRDs exceed the client-side last-applied annotation limit.
    await deps.kube.apply(bundle, { fieldManager: FIELD_MANAGER, force: true, signal: deps.signal });
  } catch (error) {
    throw safeUpgradeRefusal(error, plan) ?? error;
  }
  const names = crdNames(bundle);
  await waitForCrdsEstablished(deps.kube, names, { timeoutMs: plan.establishedTimeoutMs, signal: deps.signal });
  return names;
}
