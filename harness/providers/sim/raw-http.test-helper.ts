import { type IncomingHttpHeaders, request } from 'node:http';
import type { Endpoint } from '../types.ts';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequestOptions {
  host?: string;
  headers?: Record<string, string>;
  /** Headers exactly as sent (name, value, ...), casing and order kept; replaces host and headers. */
  rawHeaders?: string[];
  method?: string;
  /** A string is sent with its Content-Length; a list of chunks is sent chunked. */
  body?: string | string[];
}

/** One plain node:http request for the sim's own tests (no keep-alive, headers sent exactly as given). */
export function rawRequest(endpoint: Endpoint, path: string, opts: RawRequestOptions = {}): Promise<RawResponse> {
  // Node frames a written body as chunked by default only for methods that usually carry one (not DELETE).
  const chunked = Array.isArray(opts.body);
  const headers = opts.rawHeaders
    ? [...opts.rawHeaders, ...(chunked ? ['Transfer-Encoding', 'chunked'] : [])]
    : {
        ...(opts.host ? { Host: opts.host } : {}),
        ...(opts.headers ?? {}),
        ...(chunked ? { 'Transfer-Encoding': 'chunked' } : {}),
      };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: endpoint.host, port: endpoint.port, path, method: opts.method ?? 'GET', agent: false, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (Array.isArray(opts.body)) for (const chunk of opts.body) req.write(chunk);
    req.end(typeof opts.body === 'string' ? opts.body : undefined);
  });
}
