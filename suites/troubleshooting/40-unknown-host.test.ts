import { describe } from 'vitest';
import { defineCase } from '../case.ts';
import { describeRef } from '../../harness/kube/types.ts';
import { expectStatus } from '../../harness/probe/checks.ts';
import { cluster, eventually, parentTargets, primaryRoute, request, routeRef } from '../context.ts';
import { nameFor } from './manifests.ts';

describe('troubleshooting', () => {
  describe('Host that no route matches', () => {
    // HTTPRouteHostnameIntersection: a Host that no attached route's hostnames match gets 404.
    defineCase(
      { id: 'tsUnknownHost', title: 'a Host no route matches gets 404', upstream: 'HTTPRouteHostnameIntersection' },
      async (ctx) => {
        const { gateway, listener } = primaryRoute();
        const catchAll = cluster().routes.find(
          (r) => r.hostnames.length === 0 && r.parents.some((p) => parentTargets(p, gateway, listener)),
        );
        if (catchAll) ctx.skip(`${describeRef(routeRef(catchAll))} has no hostnames, so every Host matches it`);
        // .invalid (RFC 2606) cannot match any configured hostname, wildcards included.
        await eventually(request('/headers', { host: `${nameFor('unknown')}.invalid` }), expectStatus(404));
      },
    );
  });
});
