import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { SetupError } from '../errors.ts';

/** Network access for downloads; injectable so tests never touch the network. */
export interface Downloader {
  /** Stream `url` into `dest`, hashing on the way. */
  toFile(url: string, dest: string, timeoutMs: number): Promise<{ sha256: string; bytes: number }>;
  text(url: string, timeoutMs: number): Promise<string>;
  /** HTTP status of a HEAD request (any answer means the host is reachable); throws when unreachable. */
  head(url: string, timeoutMs: number): Promise<number>;
}

async function get(url: string, timeoutMs: number, method = 'GET'): Promise<Response> {
  const response = await fetch(url, { method, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) }).catch((error: unknown) => {
    throw new SetupError(`Could not download ${url}: ${(error as Error).message}; check the network (or a proxy), or for an offline try use --provider sim.`, { cause: error });
  });
  if (method === 'GET' && !response.ok) {
    throw new SetupError(`Downloading ${url} answered HTTP ${response.status}; check the URL and the network, then retry.`);
  }
  return response;
}

export const httpDownloader: Downloader = {
  async toFile(url, dest, timeoutMs) {
    const response = await get(url, timeoutMs);
    if (!response.body) throw new SetupError(`Downloading ${url} returned no body; retry.`);
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as never), tap, createWriteStream(dest, { mode: 0o600 }));
    return { sha256: hash.digest('hex'), bytes };
  },
  async text(url, timeoutMs) {
    return (await get(url, timeoutMs)).text();
  },
  async head(url, timeoutMs) {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return response.status;
  },
};
