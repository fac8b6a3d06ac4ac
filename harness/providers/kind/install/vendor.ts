import { readFile } from 'node:fs/promises';
import { parseAllDocuments, stringify } from 'yaml';
import { SetupError } from '../../../errors.ts';
import { isUnknownKind } from '../../../kube/api-error.ts';
import { conditionHolds } from '../../../kube/conditions.ts';
import { UNKNOWN_KIND_GRACE_MS } from '../../../kube/wait.ts';
import type { Logger } from '../../../log.ts';
import type { VendorInstallPlan } from '../plan.ts';
import { FIELD_MANAGER, type InstallDeps } from './deps.ts';

const CRD_ESTABLISHED_TIMEOUT_MS = 60_000;

export interface ManifestParts {
  /** The CustomResourceDefinition documents (YAML), undefined when there are none. */
  crds?: string;
  crdNames: string[];
  /** Every other document, in order (YAML), undefined when there are none. */
  rest?: string;
}

/** Split a multi-document manifest into its CRDs and the rest (each a multi-document YAML), in order. */
export function splitCrds(text: string): ManifestParts {
  const crds: string[] = [];
  const rest: string[] = [];
  const crdNames: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    const value = doc.toJS() as { kind?: string; apiVersion?: string; metadata?: { name?: string } } | null;
    if (value === null || value === undefined) continue;
    const isCrd =
      value.kind === 'CustomResourceDefinition' && String(value.apiVersion).startsWith('apiextensions.k8s.io/');
    (isCrd ? crds : rest).push(stringify(value));
    if (isCrd && value.metadata?.name) crdNames.push(value.metadata.name);
  }
  const join = (docs: string[]) => (docs.length ? docs.join('---\n') : undefined);
  return { crds: join(crds), crdNames, rest: join(rest) };
}

export interface ManifestApplyDeps {
  kube: InstallDeps['kube'];
  unknownKindGraceMs?: number;
  sleep?(ms: number): Promise<void>;
}

/**
 * Server-side apply of one manifest. One that defines CRDs and also uses them: the CRDs first,
 * wait for them Established, then the rest, retrying "unknown kind" for a grace period because
 * kube-apiserver updates discovery asynchronously after a CRD is Established.
 */
export async function applyManifest(text: string, deps: ManifestApplyDeps, log: Logger): Promise<void> {
  const parts = splitCrds(text);
  if (!parts.crds || !parts.rest) {
    await deps.kube.apply(text, { fieldManager: FIELD_MANAGER, force: true });
    return;
  }
  await deps.kube.apply(parts.crds, { fieldManager: FIELD_MANAGER, force: true });
  await Promise.all(
    parts.crdNames.map((name) =>
      deps.kube.waitFor(
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name },
        (crd) => conditionHolds(crd, 'Established'),
        {
          timeoutMs: CRD_ESTABLISHED_TIMEOUT_MS,
          what: 'Established=True',
        },
      ),
    ),
  );
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const graceMs = deps.unknownKindGraceMs ?? UNKNOWN_KIND_GRACE_MS;
  let waited = 0;
  let backoff = 250;
  for (;;) {
    try {
      await deps.kube.apply(parts.rest, { fieldManager: FIELD_MANAGER, force: true });
      return;
    } catch (error) {
      if (!isUnknownKind(error) || waited >= graceMs) throw error;
      log.debug(`a kind defined by the manifest is not served yet (${(error as Error).message}); retrying`);
      const delay = Math.min(backoff, graceMs - waited);
      await sleep(delay);
      waited += delay;
      backoff = Math.min(backoff * 2, 4_000);
    }
  }
}

/**
 * A vendor profile's install: once the Gateway API CRDs are Established, run its command (with
 * KUBECONFIG set to the run's kubeconfig), then server-side apply its manifests in order (they
 * may use CRDs the command installed, e.g. a GatewayClass), then wait for GatewayClass Accepted.
 */
export async function installVendor(
  plan: VendorInstallPlan,
  deps: InstallDeps & { crdsReady: Promise<unknown> } & Pick<ManifestApplyDeps, 'unknownKindGraceMs' | 'sleep'>,
  log: Logger,
): Promise<void> {
  await deps.crdsReady;
  // Command failures are CommandErrors (exit 4) carrying the command line and stderr tail.
  if (plan.command) await deps.run(plan.command, log);
  for (const [i, path] of plan.manifests.entries()) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new SetupError(
        `Profile ${plan.profile}: manifest ${path} (profile.install.manifests[${i}]) cannot be read (${(error as Error).message}); fix the path in the config file.`,
        { cause: error },
      );
    }
    try {
      await applyManifest(text, deps, log);
    } catch (error) {
      throw new SetupError(
        `Profile ${plan.profile}: applying ${path} (profile.install.manifests[${i}]) failed: ${(error as Error).message.replace(/\.$/, '')}; fix the manifest.`,
        { cause: error },
      );
    }
  }
  await deps.kube.waitFor(plan.gatewayClass, (gc) => conditionHolds(gc, 'Accepted'), {
    timeoutMs: plan.gatewayClassTimeoutMs,
    what: `Accepted=True (does ${plan.profile}'s controller run and own controllerName of this class?)`,
  });
}
