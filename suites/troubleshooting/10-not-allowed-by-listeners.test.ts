import { describe } from 'vitest';
import { defineCase } from '../case.ts';
import { refOf } from '../../harness/kube/types.ts';
import { waitForRouteParent } from '../status.ts';
import { objectOf, parentOf, renderCase, scopedObjects } from './manifests.ts';

describe('troubleshooting', () => {
  describe('route from a namespace the listener does not allow', () => {
    const apply = scopedObjects();

    // HTTPRouteInvalidCrossNamespaceParentRef: a route in a namespace the listener's
    // allowedRoutes (from: Same) excludes gets Accepted=False/NotAllowedByListeners.
    defineCase(
      {
        id: 'tsNotAllowedByListeners',
        title: 'a route from a namespace the listener does not allow is not Accepted (NotAllowedByListeners)',
        upstream: 'HTTPRouteInvalidCrossNamespaceParentRef',
      },
      async () => {
        const route = objectOf(await apply(await renderCase('10-not-allowed-by-listeners.yaml')), 'HTTPRoute');
        await waitForRouteParent(refOf(route), parentOf(route), [
          { type: 'Accepted', status: 'False', reason: 'NotAllowedByListeners' },
        ]);
      },
    );
  });
});
