import { request } from 'undici';
import type { Endpoint } from '../providers/types.ts';

/**
 * One HTTP request to a gateway listener. undici `request()` because it sends the Host header we
 * set (fetch treats Host as forbidden and silently replaces it with the URL's host).
 */

export interface ProbeRequest {
  endpoint: Endpoint;
  /** Path with optional query: `/env`, `/status/418?x=1`. */
  path: string;
  /** Host header (virtual host routing); default: the endpoint's host:port. */
  host?: string;
  method?: string;
  headers?: Record<string, string>;
  /** Headers and body must each arrive within this (default 10 s, upstream's request timeout). */
  timeoutMs?: number;
}

export interface ProbeResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON; throws a short error naming the status and the start of the body. */
  json(): unknown;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export function probeUrl(req: Pick<ProbeRequest, 'endpoint' | 'path'>): string {
  const { host, port } = req.endpoint;
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host; // IPv6 literal
  const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
  return `http://${h}:${port}${path}`;
}

/** `GET http://10.0.0.1:80/env (Host: httpbin.example.com, x-version: v2)` for messages. */
export function describeRequest(req: ProbeRequest): string {
  const extras = [
    ...(req.host ? [`Host: ${req.host}`] : []),
    ...Object.entries(req.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${(req.method ?? 'GET').toUpperCase()} ${probeUrl(req)}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

export async function sendRequest(req: ProbeRequest): Promise<ProbeResponse> {
  const timeout = req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  if (req.host) headers.host = req.host;
  const res = await request(probeUrl(req), {
    method: (req.method ?? 'GET').toUpperCase() as 'GET',
    headers,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    // A slow connect counts against the same budget (undici's own connect timeout is 10 s).
    signal: AbortSignal.timeout(timeout + 1_000),
  });
  const body = await res.body.text();
  return makeResponse(res.statusCode, flattenHeaders(res.headers), body);
}

export function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function makeResponse(status: number, headers: Record<string, string>, body: string): ProbeResponse {
  return {
    status,
    headers,
    body,
    json() {
      try {
        return JSON.parse(body);
      } catch {
        throw new Error(`response ${status} is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
      }
    },
  };
}

export { expectEventually, ProbeTimeoutError, type ExpectOptions } from './consistency.ts';
export {
  all,
  expectHeader,
  expectHeaderMatches,
  expectJsonPath,
  expectStatus,
  includes,
  oneOf,
  type Check,
} from './checks.ts';
