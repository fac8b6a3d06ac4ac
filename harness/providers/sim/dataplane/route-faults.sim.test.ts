import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../types.ts';
import { rawRequest } from '../raw-http.test-helper.ts';
import { listenOn } from './port-binding.ts';
import { DataPlane } from './dataplane.ts';
import { type HttpbinServer, startHttpbin } from './httpbin.ts';
import { FirstRequestsUnavailable } from './route-faults.ts';
import type { DataPlaneRule } from './route-table.ts';

// --sim-faults dataplane-503=N: each route's first N requests get Envoy's 503 "no healthy upstream".

describe('FirstRequestsUnavailable', () => {
  it('counts per route', () => {
    const gate = new FirstRequestsUnavailable(2);
    const a = { namespace: 'apps', name: 'a' };
    const b = { namespace: 'apps', name: 'b' };
    expect([gate.take(a), gate.take(a), gate.take(b), gate.take(a), gate.take(b), gate.take(b)]).toEqual([
      true,
      true,
      true,
      false,
      true,
      false,
    ]);
  });
});

describe('the data plane with dataplane-503', () => {
  const gw = { namespace: 'infra', name: 'gw' };
  let backend: HttpbinServer;
  let plane: DataPlane;
  let endpoint: Endpoint;

  beforeAll(async () => {
    backend = await startHttpbin({ env: { HTTPBIN_ENV_VERSION: 'v1' } });
    plane = new DataPlane({
      serverHeader: 'istio-envoy',
      resolve: () => ({ status: 'ok', endpoint: backend.endpoint, upstreamHost: 'v1' }),
      unavailableFirstRequests: 3,
      // The faults are what is tested here: the spec port 80 is served at any free port.
      bind: (server, host) => listenOn(server, host, 0),
    });
    await plane.programListeners(gw, '127.0.0.1', [{ name: 'http', port: 80 }]);
    endpoint = plane.endpoint(gw, 'http')!;
    const rules: DataPlaneRule[] = [
      { backends: [{ weight: 1, target: { kind: 'service', namespace: 'apps', name: 'v1', port: 80 } }] },
    ];
    const route = (name: string, host: string) => ({
      namespace: 'apps',
      name,
      creationTimestamp: '2024-01-01T00:00:00Z',
      hostnames: [host],
      rules,
    });
    plane.setRoutes(gw, 'http', [route('one', 'one.example.com'), route('two', 'two.example.com')]);
  });

  afterAll(async () => {
    await plane?.stop();
    await backend?.close();
  });

  it("answers each route's first 3 requests 503 from the proxy itself, then forwards; no route is still 404", async () => {
    const statuses = async (host: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await rawRequest(endpoint, '/env', { host })).status);
      return out;
    };
    const first = await rawRequest(endpoint, '/env', { host: 'one.example.com' });
    expect(first.status).toBe(503);
    expect(first.body).toBe('no healthy upstream');
    expect(first.headers.server).toBe('istio-envoy');
    expect(await statuses('one.example.com', 3)).toEqual([503, 503, 200]);
    expect(await statuses('two.example.com', 4)).toEqual([503, 503, 503, 200]);
    expect(await statuses('nobody.example.com', 1)).toEqual([404]);
    expect(plane.accessLog(gw)).toMatch(/" 503 UH no_healthy_upstream/);
  });
});
