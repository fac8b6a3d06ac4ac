import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpbinServer, startHttpbin } from './httpbin.ts';
import { rawRequest } from '../raw-http.test-helper.ts';

const call = (server: HttpbinServer, path: string, opts: { method?: string; rawHeaders?: string[] } = {}) =>
  rawRequest(server.endpoint, path, { method: opts.method, rawHeaders: opts.rawHeaders ?? ['Host', 'httpbin.local'] });

/** The httpbin stand-in answers like go-httpbin 2.25.0 for the endpoints the suites use. */

describe('httpbin backend', () => {
  let server: HttpbinServer;
  beforeAll(async () => {
    server = await startHttpbin({ env: { HTTPBIN_ENV_VERSION: 'v1', HOME: '/root', PATH: '/bin' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('/headers: canonical names, every value an array (repeats kept), Host included', async () => {
    const res = await call(server, '/headers', {
      rawHeaders: ['Host', 'httpbin.example.com', 'x-version', 'v2', 'X-MULTI', 'a', 'x-multi', 'b'],
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const headers = JSON.parse(res.body).headers;
    expect(headers.Host).toEqual(['httpbin.example.com']);
    expect(headers['X-Version']).toEqual(['v2']);
    expect(headers['X-Multi']).toEqual(['a', 'b']);
  });

  it('/env: only HTTPBIN_ENV_ variables, null when there are none', async () => {
    expect(JSON.parse((await call(server, '/env')).body)).toEqual({ env: { HTTPBIN_ENV_VERSION: 'v1' } });
    const other = await startHttpbin({ env: { OTHER: 'x' } });
    try {
      expect(JSON.parse((await call(other, '/env')).body)).toEqual({ env: null });
    } finally {
      await other.close();
    }
  });

  it("/status/N answers N; an invalid code is a 400 with go-httpbin's error body", async () => {
    expect((await call(server, '/status/503')).status).toBe(503);
    const bad = await call(server, '/status/abc');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ status_code: 400, error: 'Bad Request' });
  });

  it('/get echoes args, method and url; other methods are 405', async () => {
    const res = await call(server, '/get?a=1&a=2', { rawHeaders: ['Host', 'h.example.com'] });
    expect(JSON.parse(res.body)).toMatchObject({
      args: { a: ['1', '2'] },
      method: 'GET',
      url: 'http://h.example.com/get?a=1&a=2',
    });
    expect((await call(server, '/get', { method: 'POST' })).status).toBe(405);
  });

  it('/anything echoes any method with its body; json is the body parsed, null when it is not JSON', async () => {
    const json = await rawRequest(server.endpoint, '/anything/x?q=1', { method: 'PATCH', body: '{"a":[1]}' });
    expect(JSON.parse(json.body)).toMatchObject({
      args: { q: ['1'] },
      method: 'PATCH',
      data: '{"a":[1]}',
      files: {},
      form: {},
      json: { a: [1] },
    });
    const text = await rawRequest(server.endpoint, '/anything', { method: 'POST', body: 'plain words' });
    expect(JSON.parse(text.body)).toMatchObject({ data: 'plain words', json: null });
  });

  it('/ip answers the first X-Forwarded-For address, /user-agent the User-Agent, /hostname go-httpbin', async () => {
    const forwarded = ['Host', 'h', 'X-Forwarded-For', '10.1.2.3, 127.0.0.1', 'User-Agent', 'probe/1.0'];
    expect(JSON.parse((await call(server, '/ip', { rawHeaders: forwarded })).body)).toEqual({ origin: '10.1.2.3' });
    expect(JSON.parse((await call(server, '/ip')).body)).toEqual({ origin: '127.0.0.1' });
    const agent = await call(server, '/user-agent', { rawHeaders: forwarded });
    expect(JSON.parse(agent.body)).toEqual({ 'user-agent': 'probe/1.0' });
    expect(JSON.parse((await call(server, '/hostname')).body)).toEqual({ hostname: 'go-httpbin' });
  });

  it('/ is the HTML index; unknown paths are 404', async () => {
    const index = await call(server, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const missing = await call(server, '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('404 page not found\n');
  });

  it('logs each request', async () => {
    await call(server, '/headers?logged=1');
    expect(server.logs()).toContain('uri=/headers?logged=1');
  });
});
