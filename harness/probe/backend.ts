import type { ProbeResponse } from './http.ts';

/**
 * Which backend answered, when the answer says so: go-httpbin's `/env` lists the Deployment's
 * HTTPBIN_ENV_* variables (the fixtures set HTTPBIN_ENV_VERSION per Deployment), and the
 * upstream conformance echo server (gateway-api conformance/echo-basic) names its `pod` in every
 * answer. Used to tell "the wrong backend answered" from "nothing useful answered".
 */

/** The name answeredBy gives an httpbin backend whose HTTPBIN_ENV_VERSION is `version`. */
export function httpbinBackend(version: string): string {
  return `HTTPBIN_ENV_VERSION=${version}`;
}

export function answeredBy(res: ProbeResponse): string | undefined {
  if (!res.body.trimStart().startsWith('{')) return undefined;
  let body: { env?: { HTTPBIN_ENV_VERSION?: unknown } | null; pod?: unknown };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    return undefined;
  }
  const version = body?.env?.HTTPBIN_ENV_VERSION;
  if (typeof version === 'string') return httpbinBackend(version);
  if (typeof body?.pod === 'string' && body.pod) return `pod ${body.pod}`;
  return undefined;
}
