import type { RunOptions } from '../config/options.ts';
import { UsageError } from '../errors.ts';
import { Kube } from '../kube/client.ts';
import type { Logger } from '../log.ts';
import { timedStep } from '../log.ts';
import type { Profile } from '../profiles/types.ts';
import { gatewayTarget } from './gateway-target.ts';
import type { Endpoint, GatewayRef, Provider, ProviderUse } from './types.ts';

/** Where to look when the user's implementation gave the Gateway no address. */
const EXISTING_ADDRESS_HINT =
  "check that the implementation assigned one (the Gateway's Programmed condition says why not)";

function notAllowedMessage(context: string, changes: string): string {
  return (
    `kindgate did not create context "${context}" and will not create or delete anything in it; ` +
    `pass --allow-existing to let it ${changes} there.`
  );
}

/** `kindgate test`: what applying the fixtures creates. */
function fixtureChanges(options: RunOptions): string {
  return `apply the fixtures (namespaces ${options.gatewayNamespace}, ${options.namespace})`;
}

/**
 * The `existing` provider: a cluster the user already has (a vendor's, with their implementation
 * installed). It installs nothing. Applying the fixtures creates namespaces and objects, so it
 * refuses to touch the cluster unless the user opted in with --allow-existing: a harness must
 * never hurt a real cluster. Listeners are reached directly at the Gateway's status address.
 */
export function createExistingProvider(options: RunOptions, profile: Profile, use: ProviderUse = {}): Provider {
  const kubeconfig = options.kubeconfig!;
  let kube: Kube | undefined;
  return {
    name: 'existing',
    clusterOutlivesRun: true,
    async start(log: Logger) {
      kube = Kube.fromFile(kubeconfig, options.context);
      const context = kube.kubeConfig.getCurrentContext();
      if (!options.allowExisting) {
        throw new UsageError(notAllowedMessage(context, use.changes ?? fixtureChanges(options)));
      }
      if (profile.install?.type === 'vendor')
        log.info(
          `profile ${profile.name}: install is only run by --provider kind; here the implementation must already be installed`,
        );
      await timedStep(log, `cluster reachable (context ${context})`, () => kube!.waitForApi(30_000));
      await timedStep(log, `GatewayClass ${profile.gatewayClassName} accepted`, async () => {
        await kube!.waitFor(
          { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', name: profile.gatewayClassName },
          (obj) =>
            ((obj?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
              (c) => c.type === 'Accepted' && c.status === 'True',
            ),
          {
            timeoutMs: options.timeouts.gatewayMs,
            what: `Accepted=True (is ${profile.name} installed in this cluster?)`,
          },
        );
      });
    },
    async stop() {
      // The run's own namespaces are removed by the session (only those this run created);
      // the cluster itself is the user's and stays.
      kube = undefined;
    },
    kubeconfigPath: () => kubeconfig,
    async endpoint(gateway: GatewayRef, listener: string): Promise<Endpoint> {
      const gw = await kube!.get({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...gateway });
      return gatewayTarget(gw, gateway, listener, EXISTING_ADDRESS_HINT);
    },
  };
}
