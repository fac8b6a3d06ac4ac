import type { ProbeResponse } from './http.ts';

/**
 * Checks for eventually-consistent probes: each returns undefined when the response matches,
 * else a short reason (it ends up in the timeout error, so say what was seen).
 */
export type Check = (res: ProbeResponse) => string | undefined;

export function expectStatus(expected: number): Check {
  return (res) => (res.status === expected ? undefined : `expected status ${expected}, got ${res.status}`);
}

export function expectHeader(name: string, expected: string): Check {
  const key = name.toLowerCase();
  return (res) => {
    const value = res.headers[key];
    if (value === undefined) return `expected header ${key}: ${expected}, it is absent`;
    return value === expected ? undefined : `expected header ${key}: ${expected}, got ${JSON.stringify(value)}`;
  };
}

export function expectHeaderMatches(name: string, pattern: RegExp): Check {
  const key = name.toLowerCase();
  return (res) => {
    const value = res.headers[key];
    if (value === undefined) return `expected header ${key} matching ${pattern}, it is absent`;
    // A fresh RegExp: a /g or /y pattern would otherwise carry lastIndex between responses.
    return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).test(value)
      ? undefined
      : `expected header ${key} matching ${pattern}, got ${JSON.stringify(value)}`;
  };
}

/** The value at a dotted path of the JSON body (`env.HTTPBIN_ENV_VERSION`, `headers.X-Version.0`). */
export function jsonPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * The JSON body at `path` equals `expected` (or satisfies it, when a function is given).
 * e.g. expectJsonPath('env.HTTPBIN_ENV_VERSION', 'v2').
 */
export function expectJsonPath(path: string, expected: (value: unknown) => boolean): Check;
export function expectJsonPath(path: string, expected: unknown): Check;
export function expectJsonPath(path: string, expected: unknown): Check {
  return (res) => {
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      return `expected a JSON body, got ${JSON.stringify(res.body.slice(0, 60))}`;
    }
    const actual = jsonPath(body, path);
    const ok =
      typeof expected === 'function' ? (expected as (v: unknown) => boolean)(actual) : sameJson(actual, expected);
    if (ok) return undefined;
    const want = typeof expected === 'function' ? 'to satisfy the check' : `= ${JSON.stringify(expected)}`;
    return `expected body ${path} ${want}, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}`;
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** All checks must match; reports the first that does not. */
export function all(...checks: Check[]): Check {
  return (res) => {
    for (const check of checks) {
      const why = check(res);
      if (why !== undefined) return why;
    }
    return undefined;
  };
}
