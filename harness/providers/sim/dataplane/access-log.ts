import type { GatewayRef } from '../../types.ts';
import type { Exchange, Outcome } from './exchange.ts';

/**
 * Envoy-style access log lines, as Istio's default text format prints them, kept per Gateway
 * (the gateway pod's log).
 */

const MAX_LOG_LINES = 5000;

/** The listener a request came in on: its name (`-` when none matched) and where it is served. */
export interface ListenerOfRequest {
  name: string;
  host: string;
  port: number;
}

export function accessLogLine(ex: Exchange, outcome: Outcome, listener: ListenerOfRequest): string {
  const { req, res } = ex;
  const { status, flags, details, upstream = '-', cluster = '-' } = outcome;
  const request = `"${ex.facts.method} ${req.url} HTTP/${req.httpVersion}"`;
  const bytes = `${req.headers['content-length'] ?? 0} ${res.getHeader('content-length') ?? 0}`;
  const forwardedFor = `"${req.headers['x-forwarded-for'] ?? '-'}"`;
  const userAgent = `"${req.headers['user-agent'] ?? '-'}"`;
  const downstream = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  return (
    `[${new Date(ex.started).toISOString()}] ${request} ${status} ${flags} ${details} - "-" ` +
    `${bytes} ${Date.now() - ex.started} - ${forwardedFor} ${userAgent} "${ex.requestId}" "${ex.facts.host}" ` +
    `"${upstream}" ${cluster} - ${listener.host}:${listener.port} ${downstream} - listener=${listener.name}`
  );
}

/** The last MAX_LOG_LINES access-log lines of each Gateway. */
export class AccessLogs {
  private readonly lines = new Map<string, string[]>();

  append(gw: GatewayRef, line: string): void {
    const key = `${gw.namespace}/${gw.name}`;
    const lines = this.lines.get(key) ?? [];
    lines.push(line);
    if (lines.length > MAX_LOG_LINES) lines.shift();
    this.lines.set(key, lines);
  }

  text(gw: GatewayRef): string {
    const lines = this.lines.get(`${gw.namespace}/${gw.name}`) ?? [];
    return lines.length ? `${lines.join('\n')}\n` : '';
  }
}
