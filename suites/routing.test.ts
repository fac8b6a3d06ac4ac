import { describe, it } from 'vitest';
import { testTitle } from './catalog.ts';
import { expectEventually, type ProbeResponse } from '../harness/probe/http.ts';
import { cluster, endpointFor, hostFor, primaryRoute, serverHeaderPattern } from './context.ts';

const handle = cluster();

describe('routing', () => {
  const request = () => {
    const { route, gateway, listener } = primaryRoute();
    return {
      endpoint: endpointFor(gateway, listener),
      path: '/headers',
      host: hostFor(route),
      timeoutMs: handle.timeouts.requestMs,
    };
  };
  const window = { consecutive: handle.timeouts.consecutive, timeoutMs: handle.timeouts.consistencyMs };

  it(testTitle('routingOk'), async () => {
    await expectEventually(
      request(),
      (res: ProbeResponse) => (res.status === 200 ? undefined : `status ${res.status}, expected 200`),
      window,
    );
  });

  it(testTitle('serverHeader'), async () => {
    const pattern = serverHeaderPattern();
    await expectEventually(
      request(),
      (res: ProbeResponse) => {
        if (res.status !== 200) return `status ${res.status}, expected 200`;
        const server = res.headers.server;
        return server !== undefined && pattern.test(server)
          ? undefined
          : `server header ${server === undefined ? 'missing' : `"${server}"`}, expected ${pattern}`;
      },
      window,
    );
  });
});
