import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  all,
  describeRequest,
  expectEventually,
  expectJsonPath,
  expectStatus,
  ProbeTimeoutError,
  sendRequest,
  type ProbeRequest,
} from './http.ts';

const servers: Server[] = [];

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ host: string; port: number }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', server: 'istio-envoy' });
  res.end(JSON.stringify(body));
}

const fast = { initialBackoffMs: 5, maxBackoffMs: 20 };

describe('sendRequest', () => {
  it('sends the Host header and extra headers as given, and returns lower-case headers', async () => {
    const endpoint = await serve((req, res) =>
      json(res, 200, { host: req.headers.host, version: req.headers['x-version'] }),
    );
    const res = await sendRequest({
      endpoint,
      path: '/headers',
      host: 'httpbin.example.com',
      headers: { 'X-Version': 'v2' },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ host: 'httpbin.example.com', version: 'v2' });
    expect(res.headers.server).toBe('istio-envoy');
  });

  it('joins repeated response headers', async () => {
    const endpoint = await serve((_req, res) => {
      res.setHeader('x-multi', ['a', 'b']);
      res.end('plain');
    });
    const res = await sendRequest({ endpoint, path: '/' });
    expect(res.headers['x-multi']).toBe('a, b');
    expect(() => res.json()).toThrow(/response 200 is not JSON: "plain"/);
  });

  it('fails when headers do not arrive within timeoutMs', async () => {
    const endpoint = await serve(() => {
      /* never answers */
    });
    await expect(sendRequest({ endpoint, path: '/', timeoutMs: 100 })).rejects.toMatchObject({
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
  });
});

describe('expectEventually', () => {
  it('succeeds once a flaky backend gives 3 matching responses in a row', async () => {
    let n = 0;
    const endpoint = await serve((_req, res) => {
      n++;
      if (n <= 3) json(res, 503, { error: 'no healthy upstream' });
      else json(res, 200, { env: { HTTPBIN_ENV_VERSION: 'v2' } });
    });
    const res = await expectEventually(
      { endpoint, path: '/env' },
      all(expectStatus(200), expectJsonPath('env.HTTPBIN_ENV_VERSION', 'v2')),
      {
        timeoutMs: 5_000,
        ...fast,
      },
    );
    expect(res.status).toBe(200);
    expect(n).toBe(6); // 3 failures, then exactly 3 consecutive matches
  });

  it('never holds when responses alternate, and says what the request and last mismatch were', async () => {
    let n = 0;
    const endpoint = await serve((_req, res) => {
      n++;
      json(res, 200, { env: { HTTPBIN_ENV_VERSION: n % 2 ? 'v2' : 'v1' } });
    });
    const req: ProbeRequest = { endpoint, path: '/env', host: 'httpbin.example.com', headers: { 'x-version': 'v2' } };
    const err = await expectEventually(req, expectJsonPath('env.HTTPBIN_ENV_VERSION', 'v2'), {
      timeoutMs: 300,
      ...fast,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProbeTimeoutError);
    expect(err.message).toContain(
      `GET http://127.0.0.1:${endpoint.port}/env (Host: httpbin.example.com, x-version: v2) did not give 3 consecutive matching responses within 0.3 s; last: HTTP 200: `,
    );
    expect(err.message).toMatch(/expected body env\.HTTPBIN_ENV_VERSION = "v2", got "v1"|matched \(1 of 3 in a row\)/);
    expect(n).toBeGreaterThan(2);
  });

  it('treats network errors as mismatches and reports the last one', async () => {
    const endpoint = await serve((_req, res) => res.end());
    const port = endpoint.port;
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r)); // nothing listens now
    const err = await expectEventually({ endpoint: { host: '127.0.0.1', port }, path: '/' }, expectStatus(200), {
      timeoutMs: 200,
      ...fast,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProbeTimeoutError);
    expect(err.message).toMatch(/; last: .*ECONNREFUSED/);
  });

  it('honours a custom streak length', async () => {
    let n = 0;
    const endpoint = await serve((_req, res) => json(res, ++n === 2 ? 500 : 200, {}));
    await expectEventually({ endpoint, path: '/' }, expectStatus(200), { consecutive: 1, timeoutMs: 2_000, ...fast });
    expect(n).toBe(1);
  });
});

describe('describeRequest', () => {
  it('brackets IPv6 literals', () => {
    expect(describeRequest({ endpoint: { host: 'fc00::1', port: 80 }, path: 'status/200', method: 'head' })).toBe(
      'HEAD http://[fc00::1]:80/status/200',
    );
  });
});
