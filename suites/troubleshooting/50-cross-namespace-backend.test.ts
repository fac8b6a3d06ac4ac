import { beforeAll, describe } from 'vitest';
import { defineCase } from '../case.ts';
import { refOf, type KubeObject } from '../../harness/kube/types.ts';
import { expectStatus } from '../../harness/probe/checks.ts';
import { eventually, request } from '../context.ts';
import { servedBy } from '../httpbin.ts';
import { waitForRouteParent } from '../status.ts';
import { hostOf, objectOf, parentOf, renderCase, scopedObjects } from './manifests.ts';

describe('troubleshooting', () => {
  describe('backend in another namespace', () => {
    const apply = scopedObjects();
    let route: KubeObject;

    beforeAll(async () => {
      route = objectOf(await apply(await renderCase('50-cross-namespace-backend.yaml')), 'HTTPRoute');
    });

    // HTTPRouteInvalidCrossNamespaceBackendRef: without a ReferenceGrant, RefNotPermitted and 500.
    defineCase(
      {
        id: 'tsRefNotPermitted',
        title:
          'a backend in another namespace without a ReferenceGrant has ResolvedRefs=False (RefNotPermitted) and gets 500',
        upstream: 'HTTPRouteInvalidCrossNamespaceBackendRef',
      },
      async () => {
        await waitForRouteParent(refOf(route), parentOf(route), [
          { type: 'Accepted', status: 'True' },
          { type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' },
        ]);
        await eventually(request('/', { host: hostOf(route) }), expectStatus(500));
      },
    );

    // HTTPRouteReferenceGrant: with the grant, ResolvedRefs=True and requests reach the backend.
    defineCase(
      {
        id: 'tsReferenceGrant',
        title: 'with a ReferenceGrant the backend in another namespace resolves and answers',
        upstream: 'HTTPRouteReferenceGrant',
      },
      async () => {
        await apply(await renderCase('50-reference-grant.yaml'));
        await waitForRouteParent(refOf(route), parentOf(route), [
          { type: 'Accepted', status: 'True' },
          { type: 'ResolvedRefs', status: 'True' },
        ]);
        await eventually(request('/env', { host: hostOf(route) }), servedBy('v1'));
      },
    );
  });
});
