import { describe, it } from 'vitest';
import { testTitle } from './catalog.ts';
import { routeParentStatus } from '../harness/kube/conditions.ts';
import type { KubeObject } from '../harness/kube/types.ts';
import { cluster, kube, routeRef } from './context.ts';
import { allTrueAt, describeAt } from './expect.ts';

const handle = cluster();

describe('httproute', () => {
  for (const route of handle.routes) {
    for (const parent of route.parents) {
      describe(`${route.kind} ${route.namespace}/${route.name} → Gateway ${parent.namespace}/${parent.name}${parent.sectionName ? `/${parent.sectionName}` : ''}`, () => {
        const parentStatus = (obj: KubeObject | undefined) =>
          obj &&
          (routeParentStatus(obj, { controllerName: handle.profile.controllerName, parentRef: parent }) as
            { conditions?: never[] } | undefined);
        it(testTitle('routeAccepted'), async () => {
          await kube().waitFor(
            routeRef(route),
            (obj) =>
              !!obj && allTrueAt(parentStatus(obj)?.conditions, ['Accepted', 'ResolvedRefs'], obj.metadata.generation),
            {
              timeoutMs: handle.timeouts.routeMs,
              what: `Accepted=True and ResolvedRefs=True from ${handle.profile.controllerName} at its latest generation`,
              describe: (obj) => {
                if (!obj) return 'not found';
                const ps = parentStatus(obj);
                return ps
                  ? `parent ${parent.name}: ${describeAt(ps.conditions, obj)}`
                  : `no status for parent ${parent.name} from ${handle.profile.controllerName}`;
              },
            },
          );
        });
      });
    }
  }
});
