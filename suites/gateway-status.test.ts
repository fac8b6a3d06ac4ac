import { describe } from 'vitest';
import { defineCase } from './case.ts';
import { conditionsHold, describeObject, gatewayListenerStatus } from '../harness/kube/conditions.ts';
import type { ExpectedCondition } from '../harness/kube/conditions.ts';
import { describeRef, type KubeObject } from '../harness/kube/types.ts';
import { cluster, gatewayRef, parentTargets, waitFor } from './context.ts';
import { latestGeneration } from './status.ts';

type GatewayInfo = { namespace: string; name: string };

const handle = cluster();

describe('gateway', () => {
  for (const gw of handle.gateways) {
    describe(describeRef(gatewayRef(gw)), () => {
      // Upstream checks Gateway conditions only as a precondition (GatewayMustHaveLatestConditions) or
      // after a spec change (GatewayObservedGenerationBump); neither is this test, so no mapping.
      defineCase({ id: 'gatewayAccepted', title: 'Gateway is Accepted and Programmed at its latest generation' }, () =>
        waitForAccepted(gw),
      );

      // Upstream waits for an address in every test (WaitForGatewayAddress helper), not as a test.
      defineCase({ id: 'gatewayAddress', title: 'Gateway has an address in status.addresses' }, () =>
        waitForAddress(gw),
      );

      for (const listener of gw.listeners) {
        // Routes of the fixtures that name this listener (or the whole Gateway) are expected to attach.
        const attached = handle.routes.filter((r) => r.parents.some((p) => parentTargets(p, gw, listener))).length;
        // GatewayWithAttachedRoutes: listener `http` Accepted + ResolvedRefs, attachedRoutes counted.
        defineCase(
          {
            id: 'listenerReady',
            title: `listener ${listener} is Accepted, Programmed and ResolvedRefs with the attached routes counted`,
            upstream: 'GatewayWithAttachedRoutes',
          },
          () => waitForListenerReady(gw, listener, attached),
        );
      }
    });
  }
});

const allTrue = (...types: string[]): ExpectedCondition[] => types.map((type) => ({ type, status: 'True' }));

async function waitForAccepted(gw: GatewayInfo): Promise<void> {
  await waitFor(gatewayRef(gw), (obj) => conditionsHold(obj, allTrue('Accepted', 'Programmed'), latestGeneration), {
    timeoutMs: handle.timeouts.gatewayMs,
    what: 'Accepted=True and Programmed=True at its latest generation',
  });
}

const addresses = (gw: KubeObject | undefined) =>
  ((gw?.status ?? {}) as { addresses?: { value: string }[] }).addresses ?? [];

async function waitForAddress(gw: GatewayInfo): Promise<void> {
  await waitFor(gatewayRef(gw), (obj) => addresses(obj).some((a) => a.value), {
    timeoutMs: handle.timeouts.gatewayMs,
    what: 'a non-empty status.addresses',
    describe: (obj) => (obj ? `status.addresses is empty; ${describeObject(obj)}` : 'not found'),
  });
}

async function waitForListenerReady(gw: GatewayInfo, listener: string, attached: number): Promise<void> {
  const ready = allTrue('Accepted', 'Programmed', 'ResolvedRefs');
  await waitFor(
    gatewayRef(gw),
    (obj) => {
      const status = gatewayListenerStatus(obj, listener);
      // A listener without conditions must not be judged by the Gateway's own.
      const conditions = status?.conditions ?? [];
      return (
        !!status &&
        conditionsHold(obj, ready, { ...latestGeneration, conditions }) &&
        status.attachedRoutes === attached
      );
    },
    {
      timeoutMs: handle.timeouts.gatewayMs,
      what: `listener ${listener} Accepted, Programmed and ResolvedRefs True with attachedRoutes=${attached}`,
      describe: (obj) => {
        const status = gatewayListenerStatus(obj, listener);
        if (!status) return obj ? `listener ${listener} has no status` : 'not found';
        return `listener ${listener}: attachedRoutes=${status.attachedRoutes}; ${describeObject(obj, status.conditions ?? [])}`;
      },
    },
  );
}
