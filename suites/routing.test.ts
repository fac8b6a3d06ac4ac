import { describe, it } from 'vitest';
import { testTitle } from './catalog.ts';
import { all, expectHeaderMatches, expectStatus } from '../harness/probe/checks.ts';
import { eventually, request, serverHeaderPattern } from './context.ts';

describe('routing', () => {
  it(testTitle('routingOk'), async () => {
    await eventually(request('/headers'), expectStatus(200));
  });

  it(testTitle('serverHeader'), async () => {
    await eventually(request('/headers'), all(expectStatus(200), expectHeaderMatches('server', serverHeaderPattern())));
  });
});
