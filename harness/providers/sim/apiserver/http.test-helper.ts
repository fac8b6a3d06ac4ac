import { type IncomingHttpHeaders, request } from 'node:http';
import type { Endpoint } from '../../types.ts';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One plain node:http request for the sim's own tests (no keep-alive, headers sent exactly as
 * given: `rawHeaders` keeps the caller's casing and order).
 */
export function httpGet(
  endpoint: Endpoint,
  path: string,
  opts: { host?: string; headers?: Record<string, string>; rawHeaders?: string[]; method?: string } = {},
): Promise<RawResponse> {
  const headers = opts.rawHeaders ?? { ...(opts.host ? { Host: opts.host } : {}), ...(opts.headers ?? {}) };
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
    req.end();
  });
}
