import { describe } from 'vitest';
import { defineCase } from './case.ts';
import { all, expectHeaderMatches, expectStatus } from '../harness/probe/checks.ts';
import { eventually, request, serverHeaderPattern } from './context.ts';

describe('routing', () => {
  // HTTPRouteCrossNamespace: the request through the Gateway reaches the route's backend.
  defineCase(
    { id: 'routingOk', title: 'GET /headers through the Gateway answers 200', upstream: 'HTTPRouteCrossNamespace' },
    async () => {
      await eventually(request('/headers'), expectStatus(200));
    },
  );

  // The server header is implementation specific; upstream has no test for it.
  defineCase({ id: 'serverHeader', title: "responses carry the profile's server header" }, async () => {
    await eventually(request('/headers'), all(expectStatus(200), expectHeaderMatches('server', serverHeaderPattern())));
  });
});
