import { describe, it } from 'vitest';
import { listenerReadyTitle, testTitle } from './catalog.ts';
import { conditionsHold, describeObject, gatewayListenerStatus } from '../harness/kube/conditions.ts';
import type { ExpectedCondition } from '../harness/kube/conditions.ts';
import { describeRef, type KubeObject } from '../harness/kube/types.ts';
import { cluster, gatewayRef, kube, parentTargets } from './context.ts';
import { latestGeneration } from './status.ts';

const handle = cluster();
const allTrue = (...types: string[]): ExpectedCondition[] => types.map((type) => ({ type, status: 'True' }));
const addresses = (gw: KubeObject | undefined) =>
  ((gw?.status ?? {}) as { addresses?: { value: string }[] }).addresses ?? [];

describe('gateway', () => {
  for (const gw of handle.gateways) {
    describe(describeRef(gatewayRef(gw)), () => {
      it(testTitle('gatewayAccepted'), async () => {
        await kube().waitFor(
          gatewayRef(gw),
          (obj) => conditionsHold(obj, allTrue('Accepted', 'Programmed'), latestGeneration),
          {
            timeoutMs: handle.timeouts.gatewayMs,
            what: 'Accepted=True and Programmed=True at its latest generation',
          },
        );
      });

      it(testTitle('gatewayAddress'), async () => {
        await kube().waitFor(gatewayRef(gw), (obj) => addresses(obj).some((a) => a.value), {
          timeoutMs: handle.timeouts.gatewayMs,
          what: 'a non-empty status.addresses',
          describe: (obj) => (obj ? `status.addresses is empty; ${describeObject(obj)}` : 'not found'),
        });
      });

      for (const listener of gw.listeners) {
        // Routes of the fixtures that name this listener (or the whole Gateway) are expected to attach.
        const expected = handle.routes.filter((r) => r.parents.some((p) => parentTargets(p, gw, listener))).length;
        const ready = allTrue('Accepted', 'Programmed', 'ResolvedRefs');
        it(listenerReadyTitle(listener), async () => {
          await kube().waitFor(
            gatewayRef(gw),
            (obj) => {
              const status = gatewayListenerStatus(obj, listener);
              // A listener without conditions must not be judged by the Gateway's own.
              const conditions = status?.conditions ?? [];
              return (
                !!status &&
                conditionsHold(obj, ready, { ...latestGeneration, conditions }) &&
                status.attachedRoutes === expected
              );
            },
            {
              timeoutMs: handle.timeouts.gatewayMs,
              what: `listener ${listener} Accepted, Programmed and ResolvedRefs True with attachedRoutes=${expected}`,
              describe: (obj) => {
                const status = gatewayListenerStatus(obj, listener);
                if (!status) return obj ? `listener ${listener} has no status` : 'not found';
                const conditions = describeObject(obj, status.conditions ?? []);
                return `listener ${listener}: attachedRoutes=${status.attachedRoutes}; ${conditions}`;
              },
            },
          );
        });
      }
    });
  }
});
