import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestFacts } from './route-match.ts';

/** How a request ended, for the access log (Envoy's response flags and details). */
export interface Outcome {
  status: number;
  /** Envoy's %RESPONSE_FLAGS%: `-`, `NR`, `UH`, `UF`, `NC`. */
  flags: string;
  /** Envoy's %RESPONSE_CODE_DETAILS%: `via_upstream`, `route_not_found`... */
  details: string;
  /** The upstream host and cluster, when the request reached one. */
  upstream?: string;
  cluster?: string;
}

/** One request through a listener: what routing reads, and how its access-log line gets written. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** `https` on a listener that terminates TLS. */
  scheme: 'http' | 'https';
  facts: RequestFacts;
  /** x-request-id, sent upstream and logged. */
  requestId: string;
  started: number;
  /** Record the outcome (once the response is written). */
  finish(outcome: Outcome): void;
}

export function openExchange(
  req: IncomingMessage,
  res: ServerResponse,
  finish: (ex: Exchange, outcome: Outcome) => void,
  scheme: 'http' | 'https' = 'http',
): Exchange {
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const exchange: Exchange = {
    req,
    res,
    url,
    scheme,
    facts: {
      host: req.headers.host ?? '',
      path: url.pathname,
      method: req.method ?? 'GET',
      headers: req.headers,
      query: url.searchParams,
    },
    requestId: randomUUID(),
    started: Date.now(),
    finish: (outcome) => finish(exchange, outcome),
  };
  return exchange;
}
