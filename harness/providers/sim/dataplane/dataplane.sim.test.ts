import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../types.ts';
import { DataPlane } from './dataplane.ts';
import { listenOn } from './port-binding.ts';
import type { DataPlaneRule, ResolvedService } from './route-table.ts';
import type { CandidateRoute } from './route-match.ts';
import { type HttpbinServer, startHttpbin } from './httpbin.ts';
import { rawRequest } from '../raw-http.test-helper.ts';

const get = (endpoint: Endpoint, path: string, host: string, headers: Record<string, string> = {}) =>
  rawRequest(endpoint, path, { host, headers });

/** A loopback port nothing listens on (a server was bound there and closed). */
async function refusedEndpoint(): Promise<Endpoint> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return { host: '127.0.0.1', port };
}

/** The loopback data plane in isolation: routing outcomes, filters, weights, server header. */

const gw = { namespace: 'infra', name: 'gw' };

function route(name: string, hostnames: string[], rules: DataPlaneRule[]): CandidateRoute<DataPlaneRule> {
  return { namespace: 'apps', name, creationTimestamp: '2024-01-01T00:00:00Z', hostnames, rules };
}

const svc = (name: string, weight = 1) => ({
  weight,
  target: { kind: 'service' as const, namespace: 'apps', name, port: 80 },
});

describe('data plane', () => {
  let v1: HttpbinServer;
  let v2: HttpbinServer;
  let noisy: Server;
  let noisyEndpoint: Endpoint;
  let plane: DataPlane;
  let endpoint: Endpoint;
  let nextRandom = 0;

  beforeAll(async () => {
    v1 = await startHttpbin({ env: { HTTPBIN_ENV_VERSION: 'v1' } });
    v2 = await startHttpbin({ env: { HTTPBIN_ENV_VERSION: 'v2' } });
    noisy = createServer((_req, res) => {
      res.writeHead(200, { Server: 'gunicorn', 'X-Upstream': 'yes' });
      res.end('ok');
    });
    await new Promise<void>((r) => noisy.listen(0, '127.0.0.1', () => r()));
    noisyEndpoint = { host: '127.0.0.1', port: (noisy.address() as AddressInfo).port };
    const services: Record<string, ResolvedService> = {
      v1: { status: 'ok', endpoint: v1.endpoint, upstreamHost: 'v1' },
      v2: { status: 'ok', endpoint: v2.endpoint, upstreamHost: 'v2' },
      noisy: { status: 'ok', endpoint: noisyEndpoint, upstreamHost: 'noisy' },
      empty: { status: 'no-endpoints' },
      refused: { status: 'ok', endpoint: await refusedEndpoint(), upstreamHost: 'refused' },
    };
    plane = new DataPlane({
      serverHeader: 'istio-envoy',
      resolve: (_ns, name) => services[name] ?? { status: 'missing' },
      random: () => nextRandom,
      // Routing is what is tested here: the spec port 80 is served at any free port.
      bind: (server, host) => listenOn(server, host, 0),
    });
    await plane.programListeners(gw, '127.0.0.1', [{ name: 'http', port: 80 }]);
    endpoint = plane.endpoint(gw, 'http')!;
    plane.setRoutes(gw, 'http', [
      route(
        'main',
        ['main.example.com'],
        [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/headers' } }],
            filters: [
              {
                type: 'RequestHeaderModifier',
                requestHeaderModifier: { set: [{ name: 'X-Set', value: 'by-route' }], remove: ['X-Secret'] },
              },
              {
                type: 'ResponseHeaderModifier',
                responseHeaderModifier: { add: [{ name: 'X-Resp', value: 'added' }] },
              },
            ],
            backends: [svc('v1')],
          },
          {
            matches: [{ path: { type: 'PathPrefix', value: '/env' } }],
            backends: [svc('v1', 1), svc('v2', 3), svc('v1', 0)],
          },
        ],
      ),
      route('noisy', ['noisy.example.com'], [{ backends: [svc('noisy')] }]),
      route(
        'broken',
        ['broken.example.com'],
        [{ backends: [{ weight: 1, target: { kind: 'invalid', reason: 'BackendNotFound' } }] }],
      ),
      route('none', ['none.example.com'], [{ backends: [] }]),
      route('empty', ['empty.example.com'], [{ backends: [svc('empty')] }]),
      route('gone', ['gone.example.com'], [{ backends: [svc('gone')] }]),
      route('refused', ['refused.example.com'], [{ backends: [svc('refused')] }]),
      route('plain', ['plain.example.com'], [{ backends: [svc('v1')] }]),
      route(
        'redirect',
        ['redirect.example.com'],
        [
          {
            filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
            backends: [],
          },
        ],
      ),
      route(
        'rewrite',
        ['rewrite.example.com'],
        [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
            filters: [
              {
                type: 'URLRewrite',
                urlRewrite: {
                  hostname: 'internal.example',
                  path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' },
                },
              },
            ],
            backends: [svc('v1')],
          },
        ],
      ),
    ]);
  });

  afterAll(async () => {
    await plane.stop();
    await Promise.all([v1.close(), v2.close(), new Promise((r) => noisy.close(r))]);
  });

  it('applies request and response header modifiers', async () => {
    const res = await get(endpoint, '/headers', 'main.example.com', { 'X-Secret': 's', 'X-Set': 'client' });
    const headers = JSON.parse(res.body).headers;
    expect(headers['X-Set']).toEqual(['by-route']);
    expect(headers['X-Secret']).toBeUndefined();
    expect(headers.Host).toEqual(['main.example.com']);
    expect(res.headers['x-resp']).toBe('added');
  });

  it('splits traffic by weight and never sends to weight 0', async () => {
    nextRandom = 0.1; // first quarter: v1 (weight 1 of 4)
    expect(JSON.parse((await get(endpoint, '/env', 'main.example.com')).body).env.HTTPBIN_ENV_VERSION).toBe('v1');
    nextRandom = 0.5; // the rest: v2 (weight 3)
    expect(JSON.parse((await get(endpoint, '/env', 'main.example.com')).body).env.HTTPBIN_ENV_VERSION).toBe('v2');
    nextRandom = 0.999;
    expect(JSON.parse((await get(endpoint, '/env', 'main.example.com')).body).env.HTTPBIN_ENV_VERSION).toBe('v2');
  });

  it('replaces the upstream server header with its own and passes other headers through', async () => {
    const res = await get(endpoint, '/', 'noisy.example.com');
    expect(res.headers.server).toBe('istio-envoy');
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.headers['x-envoy-upstream-service-time']).toBeDefined();
  });

  it('answers 404 without a route, 500 for unusable backendRefs, 503 without endpoints', async () => {
    expect((await get(endpoint, '/headers', 'other.example.com')).status).toBe(404);
    expect((await get(endpoint, '/nothing-here', 'main.example.com')).status).toBe(404);
    expect((await get(endpoint, '/', 'broken.example.com')).status).toBe(500);
    expect((await get(endpoint, '/', 'none.example.com')).status).toBe(500);
    const empty = await get(endpoint, '/', 'empty.example.com');
    expect(empty.status).toBe(503);
    expect(empty.body).toBe('no healthy upstream');
    expect(empty.headers.server).toBe('istio-envoy');
  });

  it('answers 500 for a Service that is gone and 503 when its endpoint refuses connections, as Envoy words them', async () => {
    const gone = await get(endpoint, '/', 'gone.example.com');
    expect(gone.status).toBe(500);
    expect(gone.body).toBe('');
    const refused = await get(endpoint, '/', 'refused.example.com');
    expect(refused.status).toBe(503);
    expect(refused.body).toBe(
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    );
    expect(refused.headers.server).toBe('istio-envoy');
    expect(plane.accessLog(gw)).toMatch(/"GET \/ HTTP\/1.1" 500 NC cluster_not_found .* "gone.example.com"/);
    expect(plane.accessLog(gw)).toMatch(
      /"GET \/ HTTP\/1.1" 503 UF upstream_reset_before_response_started\{connection_failure\} .* "refused.example.com"/,
    );
  });

  // A chunked DELETE: Node frames a piped body as chunked by default only for methods that usually carry one.
  it('forwards request bodies, sized or chunked', async () => {
    const sized = await rawRequest(endpoint, '/anything', {
      host: 'plain.example.com',
      method: 'POST',
      body: '{"a":1}',
    });
    expect(JSON.parse(sized.body)).toMatchObject({ method: 'POST', data: '{"a":1}', json: { a: 1 } });
    const chunked = await rawRequest(endpoint, '/anything', {
      host: 'plain.example.com',
      method: 'DELETE',
      body: ['first-', 'second'],
    });
    expect(JSON.parse(chunked.body)).toMatchObject({ method: 'DELETE', data: 'first-second' });
  });

  it('adds X-Forwarded-For/-Proto and X-Request-Id upstream and drops hop-by-hop headers', async () => {
    const res = await rawRequest(endpoint, '/headers', {
      rawHeaders: [
        'Host',
        'plain.example.com',
        'X-Forwarded-For',
        '10.0.0.1',
        'Keep-Alive',
        'timeout=5',
        'TE',
        'trailers',
      ],
    });
    const seen = JSON.parse(res.body).headers;
    expect(seen['X-Forwarded-For']).toEqual(['10.0.0.1, 127.0.0.1']);
    expect(seen['X-Forwarded-Proto']).toEqual(['http']);
    expect(seen['X-Request-Id'][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(seen['X-Envoy-Attempt-Count']).toEqual(['1']);
    expect(seen['Keep-Alive']).toBeUndefined();
    expect(seen.Te).toBeUndefined();
    expect(plane.accessLog(gw)).toContain(`"${seen['X-Request-Id'][0]}" "plain.example.com"`);
  });

  it('answers a RequestRedirect itself and forwards a URLRewrite with the new path and Host', async () => {
    const redirected = await get(endpoint, '/some/path?x=1', 'redirect.example.com');
    expect(redirected.status).toBe(301);
    expect(redirected.headers.location).toBe('https://redirect.example.com/some/path?x=1');
    expect(redirected.headers.server).toBe('istio-envoy');
    const rewritten = JSON.parse((await get(endpoint, '/api/get?y=2', 'rewrite.example.com')).body);
    expect(rewritten.url).toBe('http://internal.example/get?y=2');
  });

  it('keeps an Envoy-style access log per Gateway', async () => {
    await get(endpoint, '/headers?log=1', 'main.example.com');
    expect(plane.accessLog(gw)).toMatch(
      /"GET \/headers\?log=1 HTTP\/1.1" 200 - via_upstream .* "main.example.com" "v1" outbound\|80\|\|v1\.apps\.svc\.cluster\.local/,
    );
    expect(plane.accessLog(gw)).toMatch(/"GET \/headers HTTP\/1.1" 404 NR route_not_found/);
  });
});
