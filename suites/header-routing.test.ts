import { describe } from 'vitest';
import { defineCase } from './case.ts';
import { all, expectJsonPath, expectStatus, includes } from '../harness/probe/checks.ts';
import { eventually, request } from './context.ts';
import { servedBy } from './httpbin.ts';

describe('header-routing', () => {
  // HTTPRouteHeaderMatching: an exact header match selects the backend.
  defineCase(
    { id: 'headerV2', title: 'x-version: v2 routes /env to v2', upstream: 'HTTPRouteHeaderMatching' },
    async () => {
      await eventually(request('/env', { headers: { 'x-version': 'v2' } }), servedBy('v2'));
    },
  );

  // HTTPRouteMatching: `/` without the header falls to the path-prefix rule (v1) while the header
  // rule wins when the header is present: the same precedence as our two rules.
  defineCase(
    { id: 'headerV1', title: 'without x-version /env is served by v1', upstream: 'HTTPRouteMatching' },
    async () => {
      await eventually(request('/env'), servedBy('v1'));
    },
  );

  // Upstream's echo backend checks request headers inside other tests; no test of its own.
  defineCase({ id: 'headersEcho', title: '/headers echoes X-Version: v2' }, async () => {
    // go-httpbin echoes each request header under its canonical name, as an array of values.
    const echoed = all(expectStatus(200), expectJsonPath('headers.X-Version', includes('v2')));
    await eventually(request('/headers', { headers: { 'x-version': 'v2' } }), echoed);
  });
});
