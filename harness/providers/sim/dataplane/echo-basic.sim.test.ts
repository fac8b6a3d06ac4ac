import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../raw-http.test-helper.ts';
import type { BackendServer } from './backend-server.ts';
import { startEchoBasic } from './echo-basic.ts';

/** The echo-basic stand-in answers as gateway-api's conformance/echo-basic (v1.6.1) does. */

describe('echo-basic backend', () => {
  let server: BackendServer;
  const call = (path: string, rawHeaders: string[] = ['Host', 'echo.example.com'], method = 'GET') =>
    rawRequest(server.endpoint, path, { rawHeaders, method });

  beforeAll(async () => {
    server = await startEchoBasic({
      env: { POD_NAME: 'infra-backend-v1-abc-xyz', NAMESPACE: 'gateway-conformance-infra', OTHER: 'x' },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('echoes the request as JSON: target, Host, method, proto, Go-style headers, port and pod context', async () => {
    const res = await call('/some/path?x=1&y=<2>', [
      'Host',
      'echo.example.com:8080',
      'x-multi',
      'a',
      'X-MULTI',
      'b',
      'user-agent',
      'probe',
    ]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Go's json.MarshalIndent(v, "", " "): one space per level, fields in struct order, map keys sorted.
    expect(res.body).toBe(
      [
        '{',
        ' "path": "/some/path?x=1\u0026y=\\u003c2\\u003e",'.replace('\u0026', '\\u0026'),
        ' "host": "echo.example.com:8080",',
        ' "method": "GET",',
        ' "proto": "HTTP/1.1",',
        ' "headers": {',
        '  "Connection": [',
        '   "close"',
        '  ],',
        '  "User-Agent": [',
        '   "probe"',
        '  ],',
        '  "X-Multi": [',
        '   "a",',
        '   "b"',
        '  ]',
        ' },',
        ' "httpPort": "3000",',
        ' "namespace": "gateway-conformance-infra",',
        ' "ingress": "",',
        ' "service": "",',
        ' "pod": "infra-backend-v1-abc-xyz"',
        '}',
      ].join('\n'),
    );
  });

  it('sets the response headers X-Echo-Set-Header asks for', async () => {
    const res = await call('/', [
      'Host',
      'h',
      'X-Echo-Set-Header',
      'X-Foo: one, X-Bar:two',
      'X-Echo-Set-Header',
      'X-Foo:three',
    ]);
    expect(res.headers['x-foo']).toBe('one,three');
    expect(res.headers['x-bar']).toBe('two');
  });

  it('answers /health, /status/NNN and a bad /status/ like echo-basic', async () => {
    const health = await call('/health');
    expect([health.status, health.body]).toEqual([200, 'OK']);
    const teapot = await call('/status/418');
    expect([teapot.status, teapot.body]).toEqual([418, '']);
    expect((await call('/status/abc')).status).toBe(400);
    expect((await call('/status/503?q=1')).status).toBe(400); // the whole request target must match
  });

  it('fails /retry/ attempts of a uuid until succeedAfter, by status or by a connection reset', async () => {
    const byStatus = '/retry/?uuid=u1&succeedAfter=2&responseCode=503';
    expect((await call(byStatus)).status).toBe(503);
    expect((await call(byStatus)).status).toBe(503);
    const ok = await call(byStatus);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).path).toBe(byStatus);
    await expect(call('/retry/?uuid=u2&succeedAfter=1')).rejects.toThrow(/ECONNRESET|socket hang up/);
    expect((await call('/retry/?uuid=u2&succeedAfter=1')).status).toBe(200);
    expect((await call('/retry/?succeedAfter=1')).status).toBe(400);
  });

  it('waits ?delay= before answering, and answers a bad duration with a JSON error', async () => {
    const started = Date.now();
    expect((await call('/?delay=300ms')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const bad = await call('/?delay=soon');
    expect(bad.status).toBe(500);
    expect(JSON.parse(bad.body)).toEqual({ message: 'time: invalid duration "soon"' });
  });

  it("keeps double slashes as one and redirects a path that is not clean, as Go's ServeMux does", async () => {
    expect(JSON.parse((await call('/a//b')).body).path).toBe('/a//b');
    const redirected = await call('/a/../b?q=1');
    expect(redirected.status).toBe(301);
    expect(redirected.headers.location).toBe('/b?q=1');
  });

  it('logs like echo-basic (the echoed requests, not /health)', () => {
    expect(server.logs()).not.toContain('made to /health');
    expect(server.logs()).toMatch(/^Starting server, listening on port 3000 \(http\)\n/);
    expect(server.logs()).toMatch(/Echoing back request made to \/a\/\/b to client \(127\.0\.0\.1:\d+\)/);
  });
});
