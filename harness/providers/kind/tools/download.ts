import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { EnvHttpProxyAgent, fetch, type Dispatcher } from 'undici';
import { SetupError } from '../../../errors.ts';

/**
 * Network access for downloads; injectable so tests never touch the network. Each call ends at
 * its timeout or when `signal` is aborted (the run was cancelled), whichever comes first.
 */
export interface Downloader {
  /** Stream `url` into `dest`, hashing on the way. */
  toFile(
    url: string,
    dest: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ sha256: string; bytes: number }>;
  text(url: string, timeoutMs: number, signal?: AbortSignal): Promise<string>;
  /** HTTP status of a HEAD request (any answer means the host is reachable); throws when unreachable. */
  head(url: string, timeoutMs: number, signal?: AbortSignal): Promise<number>;
}

/** The request's own timeout, and the run's cancellation when there is one. */
function requestSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

function stoppedMessage(url: string, signal: AbortSignal): string {
  const why = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  return `Downloading ${url} was stopped before it finished (${why.replace(/\.$/, '')}).`;
}

/** A failed or cancelled request as one sentence. */
function downloadError(url: string, error: unknown, signal?: AbortSignal): SetupError {
  if (signal?.aborted) return new SetupError(stoppedMessage(url, signal), { cause: error });
  const fix = 'check the network (or HTTPS_PROXY/NO_PROXY), or for an offline try use --provider sim';
  return new SetupError(`Could not download ${url}: ${reason(error)}; ${fix}.`, { cause: error });
}

/**
 * Node's global fetch ignores HTTPS_PROXY/HTTP_PROXY/NO_PROXY; undici's fetch with an
 * EnvHttpProxyAgent honours them (lower case first, as curl does), so downloads work behind a
 * corporate proxy. `env` is read once, when the downloader is made.
 */
export function proxyDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  return new EnvHttpProxyAgent({
    // '' (not undefined) so undici does not fall back to process.env behind our back.
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
    // Unset: undici uses the HTTP proxy for https:// too.
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  });
}

type FetchResponse = Awaited<ReturnType<typeof fetch>>;

const reason = (error: unknown) => {
  const e = error as Error & { cause?: Error };
  return e?.cause?.message ? `${e.message}: ${e.cause.message}` : (e?.message ?? String(error));
};

export function createHttpDownloader(opts: { env?: NodeJS.ProcessEnv; dispatcher?: Dispatcher } = {}): Downloader {
  let dispatcher = opts.dispatcher;
  const agent = () => (dispatcher ??= proxyDispatcher(opts.env));

  async function get(url: string, timeoutMs: number, signal?: AbortSignal): Promise<FetchResponse> {
    const response = await fetch(url, {
      redirect: 'follow',
      signal: requestSignal(timeoutMs, signal),
      dispatcher: agent(),
    }).catch((error: unknown) => {
      throw downloadError(url, error, signal);
    });
    if (!response.ok) {
      throw new SetupError(
        `Downloading ${url} answered HTTP ${response.status}; check the URL and the network, then retry.`,
      );
    }
    return response;
  }

  return {
    async toFile(url, dest, timeoutMs, signal) {
      const response = await get(url, timeoutMs, signal);
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
      // The body streams under the same signal as the request: a cancel ends it mid-transfer.
      await pipeline(Readable.fromWeb(response.body as never), tap, createWriteStream(dest, { mode: 0o600 })).catch(
        (error: unknown) => {
          throw downloadError(url, error, signal);
        },
      );
      return { sha256: hash.digest('hex'), bytes };
    },
    async text(url, timeoutMs, signal) {
      const response = await get(url, timeoutMs, signal);
      return response.text().catch((error: unknown) => {
        throw downloadError(url, error, signal);
      });
    },
    async head(url, timeoutMs, signal) {
      const response = await fetch(url, {
        method: 'HEAD',
        redirect: 'manual',
        signal: requestSignal(timeoutMs, signal),
        dispatcher: agent(),
      });
      return response.status;
    },
  };
}

export const httpDownloader: Downloader = createHttpDownloader();
