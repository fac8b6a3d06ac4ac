import { describe } from 'vitest';
import { defineCase } from '../case.ts';
import { refOf, type KubeObject } from '../../harness/kube/types.ts';
import { expectStatus } from '../../harness/probe/checks.ts';
import { eventually, request } from '../context.ts';
import { waitForRouteParent } from '../status.ts';
import { hostOf, objectOf, parentOf, renderCase, scopedObjects } from './manifests.ts';

// HTTPRouteInvalidNonExistentBackendRef: ResolvedRefs=False/BackendNotFound, and requests get 500.
describe('troubleshooting', () => {
  describe('backend Service that does not exist', () => {
    const apply = scopedObjects();
    let route: KubeObject;

    defineCase(
      {
        id: 'tsBackendNotFound',
        title: 'a route to a missing Service has ResolvedRefs=False (BackendNotFound)',
        upstream: 'HTTPRouteInvalidNonExistentBackendRef',
      },
      async () => {
        route = objectOf(await apply(await renderCase('30-backend-not-found.yaml')), 'HTTPRoute');
        await waitForRouteParent(refOf(route), parentOf(route), [
          { type: 'Accepted', status: 'True' },
          { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' },
        ]);
      },
    );

    defineCase(
      {
        id: 'tsBackendNotFound500',
        title: 'requests to a missing Service get 500',
        upstream: 'HTTPRouteInvalidNonExistentBackendRef',
      },
      async () => {
        await eventually(request('/', { host: hostOf(route) }), expectStatus(500));
      },
    );
  });
});
