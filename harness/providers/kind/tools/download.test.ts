import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpDownloader } from './download.ts';

const BODY = 'kind binary bytes\n'.repeat(1000);

/** An origin server and a CONNECT proxy on loopback; the proxy sends every tunnel to the origin. */
let origin: Server;
let proxy: Server;
let originPort: number;
let proxyUrl: string;
const tunnels: string[] = [];
const originHits: string[] = [];

beforeAll(async () => {
  origin = createServer((req, res) => {
    originHits.push(`${req.headers.host}${req.url}`);
    res.end(BODY);
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  originPort = (origin.address() as AddressInfo).port;
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const upstream = connect(originPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  origin.closeAllConnections();
  await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => origin.close(r))]);
});

describe('downloads honour HTTP_PROXY / HTTPS_PROXY / NO_PROXY', () => {
  it('goes through the proxy for a host only the proxy can reach, and hashes what it wrote', async () => {
    tunnels.length = 0;
    const download = createHttpDownloader({ env: { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl } });
    const dest = join(mkdtempSync(join(tmpdir(), 'kg-dl-')), 'kind');
    // `.invalid` never resolves (RFC 2606): only a proxy can fetch it.
    const url = `http://dl.kindgate.invalid:${originPort}/v0.33.0/kind-linux-amd64`;
    const result = await download.toFile(url, dest, 10_000);
    expect(tunnels).toEqual([`dl.kindgate.invalid:${originPort}`]);
    expect(result).toEqual({ sha256: createHash('sha256').update(BODY).digest('hex'), bytes: BODY.length });
    expect(readFileSync(dest, 'utf8')).toBe(BODY);
    expect(await download.text(url, 10_000)).toBe(BODY);
  });

  it('lower-case http_proxy works too', async () => {
    tunnels.length = 0;
    const download = createHttpDownloader({ env: { http_proxy: proxyUrl } });
    expect(await download.text(`http://dl.kindgate.invalid:${originPort}/sum`, 10_000)).toBe(BODY);
    expect(tunnels).toHaveLength(1);
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    tunnels.length = 0;
    originHits.length = 0;
    const download = createHttpDownloader({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' } });
    expect(await download.text(`http://127.0.0.1:${originPort}/direct`, 10_000)).toBe(BODY);
    expect(tunnels).toEqual([]);
    expect(originHits).toEqual([`127.0.0.1:${originPort}/direct`]);
  });
});

describe('a cancelled download', () => {
  it('ends mid-body when the run is cancelled, saying it was stopped and why', async () => {
    const stall = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write('first chunk\n');
    });
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(stall.address() as AddressInfo).port}/istioctl.tar.gz`;
      const controller = new AbortController();
      const dest = join(mkdtempSync(join(tmpdir(), 'kg-dl-')), 'partial');
      const downloading = createHttpDownloader({ env: {} })
        .toFile(url, dest, 60_000, controller.signal)
        .catch((e) => e);
      await new Promise((r) => setTimeout(r, 100));
      controller.abort(new Error('MetalLB v0.16.1 ready failed'));
      const error = await downloading;
      expect(error.exitCode).toBe(4);
      expect(error.message).toBe(`Downloading ${url} was stopped before it finished (MetalLB v0.16.1 ready failed).`);
    } finally {
      stall.closeAllConnections();
      await new Promise((r) => stall.close(r));
    }
  });
});
