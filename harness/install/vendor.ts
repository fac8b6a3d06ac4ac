import { readFile } from 'node:fs/promises';
import { SetupError } from '../errors.ts';
import { conditionHolds } from '../kube/conditions.ts';
import type { Logger } from '../log.ts';
import type { VendorInstallPlan } from '../plan/kind-plan.ts';
import { FIELD_MANAGER, type InstallDeps } from './deps.ts';

/**
 * A vendor profile's install: once the Gateway API CRDs are Established, run its command (with
 * KUBECONFIG set to the run's kubeconfig), then server-side apply its manifests in order (they
 * may use CRDs the command installed, e.g. a GatewayClass), then wait for GatewayClass Accepted.
 */
export async function installVendor(plan: VendorInstallPlan, deps: InstallDeps & { crdsReady: Promise<unknown> }, log: Logger): Promise<void> {
  await deps.crdsReady;
  // Command failures are CommandErrors (exit 4) carrying the command line and stderr tail.
  if (plan.command) await deps.run(plan.command, log);
  for (const [i, path] of plan.manifests.entries()) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new SetupError(`Profile ${plan.profile}: manifest ${path} (profile.install.manifests[${i}]) cannot be read (${(error as Error).message}); fix the path in the config file.`, { cause: error });
    }
    try {
      await deps.kube.apply(text, { fieldManager: FIELD_MANAGER, force: true });
    } catch (error) {
      throw new SetupError(`Profile ${plan.profile}: applying ${path} (profile.install.manifests[${i}]) failed: ${(error as Error).message.replace(/\.$/, '')}; fix the manifest.`, { cause: error });
    }
  }
  await deps.kube.waitFor(plan.gatewayClass, (gc) => conditionHolds(gc, 'Accepted'), {
    timeoutMs: plan.gatewayClassTimeoutMs,
    what: `Accepted=True (does ${plan.profile}'s controller run and own controllerName of this class?)`,
  });
}
