import type { RunOptions } from '../config/options.ts';
import { UsageError } from '../errors.ts';
import { Kube } from '../kube/client.ts';
import type { Logger } from '../log.ts';
import { timedStep } from '../log.ts';
import type { Profile } from '../profiles/types.ts';
import type { Endpoint, GatewayRef, Provider } from './types.ts';

/**
 * The `existing` provider: a cluster the user already has (a vendor's, with their implementation
 * installed). It installs nothing. Applying the fixtures creates namespaces and objects, so it
 * refuses to touch the cluster unless the user opted in with --allow-existing: a harness must
 * never hurt a real cluster. Listeners are reached directly at the Gateway's status address.
 */
export function createExistingProvider(options: RunOptions, profile: Profile): Provider {
  const kubeconfig = options.kubeconfig!;
  let kube: Kube | undefined;
  return {
    name: 'existing',
    async start(log: Logger) {
      kube = Kube.fromFile(kubeconfig, options.context);
      const context = kube.kubeConfig.getCurrentContext();
      if (!options.allowExisting) {
        throw new UsageError(
          `kindgate did not create context "${context}" and will not create or delete anything in it; pass --allow-existing to let it apply the fixtures (namespaces ${options.gatewayNamespace}, ${options.namespace}) there.`,
        );
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
      const gw = await kube!.get({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        namespace: gateway.namespace,
        name: gateway.name,
      });
      const spec = gw?.spec as { listeners?: { name: string; port: number }[] } | undefined;
      const port = spec?.listeners?.find((l) => l.name === listener)?.port;
      const address = ((gw?.status as { addresses?: { value?: string }[] } | undefined)?.addresses ?? []).find(
        (a) => a.value,
      )?.value;
      if (!address || port === undefined) {
        throw new Error(
          `Gateway ${gateway.namespace}/${gateway.name} has no address or no listener ${listener}, so it cannot be reached.`,
        );
      }
      return { host: address, port };
    },
  };
}
