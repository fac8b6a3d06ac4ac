import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../types.ts';
import { rawRequest } from '../raw-http.test-helper.ts';
import { DataPlane } from './dataplane.ts';
import { type BindFunction, listenOn } from './port-binding.ts';
import type { DataPlaneRule } from './route-table.ts';
import type { CandidateRoute } from './route-match.ts';

/**
 * Listener ports of the data plane: each port of a Gateway bound at the Gateway's address, the
 * listeners sharing a port told apart by Host, and a port that cannot be bound served elsewhere
 * with the reason kept for the listener's status.
 */

const gw = { namespace: 'infra', name: 'gw' };

/** A route whose only rule redirects to a path naming `tag`, so the answer shows which route served. */
function taggedRoute(tag: string, hostnames: string[]): CandidateRoute<DataPlaneRule> {
  const rule: DataPlaneRule = {
    filters: [
      { type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: `/${tag}` } } },
    ],
    backends: [],
  };
  return { namespace: 'apps', name: tag, creationTimestamp: '2024-01-01T00:00:00Z', hostnames, rules: [rule] };
}

async function occupy(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => r()));
  return server;
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;
const servedBy = async (endpoint: Endpoint, host: string) =>
  (await rawRequest(endpoint, '/', { host })).headers.location;

describe('data plane listener ports', () => {
  let plane: DataPlane | undefined;
  const occupied: Server[] = [];

  afterEach(async () => {
    await plane?.stop();
    await Promise.all(occupied.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  const newPlane = (bind?: BindFunction) =>
    (plane = new DataPlane({ serverHeader: 'istio-envoy', resolve: () => ({ status: 'missing' }), bind }));

  it('serves a taken port elsewhere with EADDRINUSE as the reason, and takes the port once it is free', async () => {
    const holder = await occupy();
    occupied.push(holder);
    const port = portOf(holder);
    const dp = newPlane();
    await dp.programListeners(gw, '127.0.0.1', [{ name: 'http', port }]);
    const fallback = dp.endpoint(gw, 'http')!;
    expect(fallback.host).toBe('127.0.0.1');
    expect(fallback.port).not.toBe(port);
    expect(dp.bindProblem(gw, 'http')).toEqual({
      code: 'EADDRINUSE',
      message: `port ${port} cannot be bound on 127.0.0.1: the port is already in use by another process; the kindgate sim serves this listener at 127.0.0.1:${fallback.port} instead`,
    });
    expect((await rawRequest(fallback, '/', { host: 'x' })).status).toBe(404);

    await new Promise((r) => holder.close(r));
    occupied.length = 0;
    await dp.programListeners(gw, '127.0.0.1', [{ name: 'http', port }]);
    expect(dp.endpoint(gw, 'http')).toEqual({ host: '127.0.0.1', port });
    expect(dp.bindProblem(gw, 'http')).toBeUndefined();
    await expect(rawRequest(fallback, '/', { host: 'x' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reports a privileged port it may not bind (EACCES) and serves the listener on the same address', async () => {
    const denyBelow1024: BindFunction = (server, host, port) =>
      port > 0 && port < 1024
        ? Promise.reject(Object.assign(new Error('listen EACCES'), { code: 'EACCES' }))
        : listenOn(server, host, port);
    const dp = newPlane(denyBelow1024);
    await dp.programListeners(gw, '127.0.0.1', [{ name: 'http', port: 80 }]);
    const served = dp.endpoint(gw, 'http')!;
    expect(served.port).toBeGreaterThanOrEqual(1024);
    expect(dp.bindProblem(gw, 'http')?.message).toBe(
      `port 80 cannot be bound on 127.0.0.1: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); the kindgate sim serves this listener at 127.0.0.1:${served.port} instead`,
    );
  });

  it('tells listeners on one port apart by Host, gives another port its own server, and closes a port no listener uses', async () => {
    const remap = new Map<number, number>();
    // Spec ports 80/81 are served at free ports: what is tested is the grouping, not the port numbers.
    const dp = newPlane((server, host, port) =>
      listenOn(server, host, 0).then(() => void remap.set(port, portOf(server as Server))),
    );
    await dp.programListeners(gw, '127.0.0.1', [
      { name: 'foo', port: 80, hostname: 'foo.example.com' },
      { name: 'any', port: 80 },
      { name: 'other', port: 81 },
    ]);
    dp.setRoutes(gw, 'foo', [taggedRoute('foo-route', ['foo.example.com'])]);
    dp.setRoutes(gw, 'any', [taggedRoute('any-route', ['*'])]);
    dp.setRoutes(gw, 'other', [taggedRoute('other-route', ['*'])]);
    expect(dp.endpoint(gw, 'foo')).toEqual(dp.endpoint(gw, 'any'));
    const port80 = dp.endpoint(gw, 'foo')!;
    const port81 = dp.endpoint(gw, 'other')!;
    expect(port81.port).not.toBe(port80.port);
    expect(await servedBy(port80, 'foo.example.com')).toBe('http://foo.example.com/foo-route');
    expect(await servedBy(port80, 'bar.example.com')).toBe('http://bar.example.com/any-route');
    expect(await servedBy(port81, 'foo.example.com:81')).toBe('http://foo.example.com:81/other-route');
    expect(dp.accessLog(gw)).toMatch(/"foo.example.com" "-" - - 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+ - listener=foo/);

    await dp.programListeners(gw, '127.0.0.1', [
      { name: 'foo', port: 80, hostname: 'foo.example.com' },
      { name: 'any', port: 80 },
    ]);
    expect(dp.listenerNames(gw)).toEqual(['foo', 'any']);
    expect(dp.endpoint(gw, 'foo')).toEqual(port80);
    expect(await servedBy(port80, 'foo.example.com')).toBe('http://foo.example.com/foo-route');
    await expect(rawRequest(port81, '/', { host: 'x' })).rejects.toThrow(/ECONNREFUSED/);
  });
});
