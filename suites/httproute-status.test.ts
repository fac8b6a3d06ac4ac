import { describe } from 'vitest';
import { defineCase } from './case.ts';
import { describeRef } from '../harness/kube/types.ts';
import { cluster, routeRef } from './context.ts';
import { describeParent, waitForRouteParent } from './status.ts';

const handle = cluster();

describe('httproute', () => {
  for (const route of handle.routes) {
    for (const parent of route.parents) {
      describe(`${describeRef(routeRef(route))} → ${describeParent(parent, route.namespace)}`, () => {
        // HTTPRouteCrossNamespace: a route in another namespace than its Gateway is accepted with
        // ResolvedRefs=True and a request reaches its backend (our fixtures keep them apart, as upstream).
        defineCase(
          {
            id: 'routeAccepted',
            title: 'HTTPRoute is Accepted with ResolvedRefs for its parent Gateway',
            upstream: 'HTTPRouteCrossNamespace',
          },
          async () => {
            await waitForRouteParent(routeRef(route), parent, [
              { type: 'Accepted', status: 'True' },
              { type: 'ResolvedRefs', status: 'True' },
            ]);
          },
        );
      });
    }
  }
});
