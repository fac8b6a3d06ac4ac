import { describe, it } from 'vitest';
import { testTitle } from './catalog.ts';
import { describeRef } from '../harness/kube/types.ts';
import { cluster, routeRef } from './context.ts';
import { describeParent, waitForRouteParent } from './status.ts';

const handle = cluster();

describe('httproute', () => {
  for (const route of handle.routes) {
    for (const parent of route.parents) {
      describe(`${describeRef(routeRef(route))} → ${describeParent(parent, route.namespace)}`, () => {
        it(testTitle('routeAccepted'), async () => {
          await waitForRouteParent(routeRef(route), parent, [
            { type: 'Accepted', status: 'True' },
            { type: 'ResolvedRefs', status: 'True' },
          ]);
        });
      });
    }
  }
});
