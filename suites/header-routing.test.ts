import { describe, it } from 'vitest';
import { testTitle } from './catalog.ts';
import { expectEventually, type ProbeResponse } from '../harness/probe/http.ts';
import { cluster, endpointFor, hostFor, primaryRoute } from './context.ts';

const handle = cluster();
const window = { consecutive: handle.timeouts.consecutive, timeoutMs: handle.timeouts.consistencyMs };

function request(path: string, headers: Record<string, string> = {}) {
  const { route, gateway, listener } = primaryRoute();
  return {
    endpoint: endpointFor(gateway, listener),
    path,
    host: hostFor(route),
    headers,
    timeoutMs: handle.timeouts.requestMs,
  };
}

/** httpbin's /env lists only HTTPBIN_ENV_* variables; the fixtures set HTTPBIN_ENV_VERSION per version. */
function envVersionIs(version: string) {
  return (res: ProbeResponse) => {
    if (res.status !== 200) return `status ${res.status}, expected 200`;
    const env = (res.json() as { env?: Record<string, string> } | undefined)?.env;
    const seen = env?.HTTPBIN_ENV_VERSION;
    return seen === version
      ? undefined
      : `HTTPBIN_ENV_VERSION is ${seen === undefined ? 'absent' : `"${seen}"`}, expected "${version}"`;
  };
}

describe('header-routing', () => {
  it(testTitle('headerV2'), async () => {
    await expectEventually(request('/env', { 'x-version': 'v2' }), envVersionIs('v2'), window);
  });

  it(testTitle('headerV1'), async () => {
    await expectEventually(request('/env'), envVersionIs('v1'), window);
  });

  it(testTitle('headersEcho'), async () => {
    await expectEventually(
      request('/headers', { 'x-version': 'v2' }),
      (res: ProbeResponse) => {
        if (res.status !== 200) return `status ${res.status}, expected 200`;
        const headers = (res.json() as { headers?: Record<string, string[]> } | undefined)?.headers ?? {};
        const values = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-version')?.[1];
        return Array.isArray(values) && values.includes('v2')
          ? undefined
          : `X-Version echoed as ${JSON.stringify(values)}, expected ["v2"]`;
      },
      window,
    );
  });
});
