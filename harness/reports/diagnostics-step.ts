import { existsSync } from 'node:fs';
import { asSetupError, ExitCode } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Profile } from '../profiles/types.ts';
import type { GatewayRef, Provider } from '../providers/types.ts';
import { collectDiagnostics } from './diagnostics.ts';
import type { DiagnosticsFailure, DiagnosticsKube } from './diagnostics/types.ts';

/**
 * The message of a setup failure worth diagnosing before the cleanup: the cluster failed to come
 * up (not a usage error) and its kubeconfig exists, so there is something to read.
 */
export function diagnosableSetupFailure(
  error: unknown,
  provider: Pick<Provider, 'kubeconfigPath'>,
): string | undefined {
  const setup = asSetupError(error);
  return setup.exitCode === ExitCode.setup && existsSync(provider.kubeconfigPath()) ? setup.message : undefined;
}

/** What a command collects while its cluster still exists, before the teardown. */
export interface DiagnosticsStep {
  provider: Provider;
  /** The run's API client; without one, a client of the provider's kubeconfig (and `context`). */
  kube?: DiagnosticsKube;
  context?: string;
  /** The report directory; the bundle goes to `<dir>/diagnostics/`. */
  dir: string;
  /** The namespaces and Gateways to collect, read with the client when they must be listed. */
  scope(kube: DiagnosticsKube): Promise<{ namespaces: string[]; gateways: GatewayRef[] }>;
  profile: Profile;
  failure: DiagnosticsFailure;
  log: Logger;
}

/**
 * The diagnostics bundle as the step `kindgate test` and `kindgate conformance` run before their
 * teardown: timed and logged (and recorded as phase `diagnostics` where the log keeps phases),
 * best effort: a failing collection is a warning, never the run's result, so it can never hide the
 * run's own failure. Returns the bundle's directory, or undefined when it could not be collected.
 */
export async function collectDiagnosticsStep(step: DiagnosticsStep): Promise<string | undefined> {
  const { provider, log } = step;
  const started = performance.now();
  try {
    // Loaded only here: the Kubernetes client takes a second to load.
    const kube =
      step.kube ?? (await import('../kube/client.ts')).Kube.fromFile(provider.kubeconfigPath(), step.context);
    const { namespaces, gateways } = await step.scope(kube);
    const bundle = await collectDiagnostics({
      kube,
      dir: step.dir,
      namespaces,
      gateways,
      profile: step.profile,
      failure: step.failure,
      providerDiagnose: provider.diagnose ? (dir) => provider.diagnose!(dir, log) : undefined,
      log,
    });
    log.step(`diagnostics collected in ${bundle.dir}`, (performance.now() - started) / 1000);
    log.phases?.add('diagnostics', started);
    return bundle.dir;
  } catch (error) {
    log.warn(`diagnostics could not be collected: ${(error as Error).message}`);
    log.phases?.add('diagnostics', started, performance.now(), { failed: true });
    return undefined;
  }
}
