import { describe, it } from 'vitest';
import { testTitle } from './catalog.ts';
import { all, expectJsonPath, expectStatus, includes } from '../harness/probe/checks.ts';
import { eventually, request } from './context.ts';
import { servedBy } from './httpbin.ts';

describe('header-routing', () => {
  it(testTitle('headerV2'), async () => {
    await eventually(request('/env', { headers: { 'x-version': 'v2' } }), servedBy('v2'));
  });

  it(testTitle('headerV1'), async () => {
    await eventually(request('/env'), servedBy('v1'));
  });

  it(testTitle('headersEcho'), async () => {
    // go-httpbin echoes each request header under its canonical name, as an array of values.
    const echoed = all(expectStatus(200), expectJsonPath('headers.X-Version', includes('v2')));
    await eventually(request('/headers', { headers: { 'x-version': 'v2' } }), echoed);
  });
});
