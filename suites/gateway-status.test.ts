import { describe, it } from 'vitest';
import { listenerReadyTitle, testTitle } from './catalog.ts';
import { gatewayListenerStatus } from '../harness/kube/conditions.ts';
import type { KubeObject } from '../harness/kube/types.ts';
import { cluster, gatewayRef, kube, parentTargets } from './context.ts';
import { allTrueAt, describeAt } from './expect.ts';

const handle = cluster();
const status = (gw: KubeObject | undefined) =>
  (gw?.status ?? {}) as { conditions?: never[]; addresses?: { value: string }[] };

describe('gateway', () => {
  for (const gw of handle.gateways) {
    describe(`Gateway ${gw.namespace}/${gw.name}`, () => {
      it(testTitle('gatewayAccepted'), async () => {
        await kube().waitFor(
          gatewayRef(gw),
          (obj) => !!obj && allTrueAt(status(obj).conditions, ['Accepted', 'Programmed'], obj.metadata.generation),
          {
            timeoutMs: handle.timeouts.gatewayMs,
            what: 'Accepted=True and Programmed=True at its latest generation',
            describe: (obj) => describeAt(status(obj).conditions, obj),
          },
        );
      });

      it(testTitle('gatewayAddress'), async () => {
        await kube().waitFor(gatewayRef(gw), (obj) => (status(obj).addresses ?? []).some((a) => a.value), {
          timeoutMs: handle.timeouts.gatewayMs,
          what: 'a non-empty status.addresses',
          describe: (obj) =>
            obj ? `status.addresses is empty; ${describeAt(status(obj).conditions, obj)}` : 'not found',
        });
      });

      for (const listener of gw.listeners) {
        // Routes of the fixtures that name this listener (or the whole Gateway) are expected to attach.
        const expected = handle.routes.filter((r) => r.parents.some((p) => parentTargets(p, gw, listener))).length;
        it(listenerReadyTitle(listener), async () => {
          await kube().waitFor(
            gatewayRef(gw),
            (obj) => {
              const ls =
                obj &&
                (gatewayListenerStatus(obj, listener) as { conditions?: never[]; attachedRoutes?: number } | undefined);
              return (
                !!ls &&
                allTrueAt(ls.conditions, ['Accepted', 'Programmed', 'ResolvedRefs'], obj!.metadata.generation) &&
                ls.attachedRoutes === expected
              );
            },
            {
              timeoutMs: handle.timeouts.gatewayMs,
              what: `listener ${listener} Accepted, Programmed and ResolvedRefs True with attachedRoutes=${expected}`,
              describe: (obj) => {
                const ls =
                  obj &&
                  (gatewayListenerStatus(obj, listener) as
                    { conditions?: never[]; attachedRoutes?: number } | undefined);
                if (!ls) return obj ? `listener ${listener} has no status` : 'not found';
                return `listener ${listener}: attachedRoutes=${ls.attachedRoutes}; ${describeAt(ls.conditions, obj)}`;
              },
            },
          );
        });
      }
    });
  }
});
