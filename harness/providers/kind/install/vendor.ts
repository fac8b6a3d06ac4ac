import { readFile } from 'node:fs/promises';
import { parseAllDocuments, stringify } from 'yaml';
import { SetupError } from '../../../errors.ts';
import { isUnknownKind } from '../../../kube/api-error.ts';
import { UNKNOWN_KIND_GRACE_MS } from '../../../kube/wait.ts';
import type { Logger } from '../../../log.ts';
import { retry } from '../../../retry.ts';
import type { VendorInstallPlan } from '../plan.ts';
import { waitForCrdsEstablished } from './crds-established.ts';
import { FIELD_MANAGER, type InstallDeps } from './deps.ts';
import { waitGatewayClassAccepted } from './gateway-class.ts';

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
  signal?: AbortSignal;
}

/**
 * Server-side apply of one manifest. One that defines CRDs and also uses them: the CRDs first,
 * wait for them Established, then the rest, retrying "unknown kind" for a grace period because
 * kube-apiserver updates discovery asynchronously after a CRD is Established.
 */
export async function applyManifest(text: string, deps: ManifestApplyDeps, log: Logger): Promise<void> {
  const parts = splitCrds(text);
  const apply = (yaml: string) =>
    deps.kube.apply(yaml, { fieldManager: FIELD_MANAGER, force: true, signal: deps.signal });
  if (!parts.crds || !parts.rest) {
    await apply(text);
    return;
  }
  await apply(parts.crds);
  await waitForCrdsEstablished(deps.kube, parts.crdNames, {
    timeoutMs: CRD_ESTABLISHED_TIMEOUT_MS,
    signal: deps.signal,
  });
  const rest = parts.rest;
  await retry(() => apply(rest), {
    windowMs: deps.unknownKindGraceMs ?? UNKNOWN_KIND_GRACE_MS,
    shouldRetry: isUnknownKind,
    onRetry: (error) => log.debug(`a kind defined by the manifest is not served yet (${error.message}); retrying`),
    signal: deps.signal,
  });
}

function unreadableManifestMessage(plan: VendorInstallPlan, path: string, i: number, error: unknown): string {
  const where = `Profile ${plan.profile}: manifest ${path} (profile.install.manifests[${i}])`;
  return `${where} cannot be read (${(error as Error).message}); fix the path in the config file.`;
}

function failedManifestMessage(plan: VendorInstallPlan, path: string, i: number, error: unknown): string {
  const why = (error as Error).message.replace(/\.$/, '');
  return `Profile ${plan.profile}: applying ${path} (profile.install.manifests[${i}]) failed: ${why}; fix the manifest.`;
}

/**
 * A vendor profile's install: once the Gateway API CRDs are Established, run its command (with
 * KUBECONFIG set to the run's kubeconfig), then server-side apply its manifests in order (they
 * may use CRDs the command installed, e.g. a GatewayClass), then wait for GatewayClass Accepted.
 */
export async function installVendor(
  plan: VendorInstallPlan,
  deps: InstallDeps & { crdsReady: Promise<unknown> } & Pick<ManifestApplyDeps, 'unknownKindGraceMs'>,
  log: Logger,
): Promise<void> {
  await deps.crdsReady;
  // Command failures are CommandErrors (exit 4) carrying the command line and stderr tail.
  if (plan.command) await deps.run(plan.command, log, { signal: deps.signal });
  for (const [i, path] of plan.manifests.entries()) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new SetupError(unreadableManifestMessage(plan, path, i, error), { cause: error });
    }
    try {
      await applyManifest(text, deps, log);
    } catch (error) {
      throw new SetupError(failedManifestMessage(plan, path, i, error), { cause: error });
    }
  }
  await waitGatewayClassAccepted(
    plan,
    deps,
    log,
    `Accepted=True (does ${plan.profile}'s controller run and own controllerName of this class?)`,
  );
}
