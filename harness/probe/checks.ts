import type { ProbeResponse } from './http.ts';

/**
 * Checks for eventually-consistent probes: each returns undefined when the response matches,
 * else a short reason (it ends up in the timeout error, so say what was seen). A check that asks
 * for particular backends names them (`backends`, as probe/backend.ts answeredBy names them), so a
 * check that never held can say the wrong backend answered.
 */
export type Check = ((res: ProbeResponse) => string | undefined) & { readonly backends?: readonly string[] };

/** `check`, marked as wanting an answer from one of `backends`. */
export function fromBackends(check: Check, backends: readonly string[]): Check {
  return Object.assign((res: ProbeResponse) => check(res), { backends });
}

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

/** A named test of a JSON value; its description completes "expected body <path> …" in messages. */
export interface ValueMatcher {
  matches(value: unknown): boolean;
  description: string;
}

/** The value is one of `values` (e.g. which backends may answer). */
export function oneOf(...values: unknown[]): ValueMatcher {
  return {
    matches: (value) => values.some((v) => sameJson(value, v)),
    description: `to be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  };
}

/** The value is an array holding `item` (go-httpbin echoes each header as an array of values). */
export function includes(item: unknown): ValueMatcher {
  return {
    matches: (value) => Array.isArray(value) && value.some((v) => sameJson(v, item)),
    description: `to include ${JSON.stringify(item)}`,
  };
}

function isMatcher(expected: unknown): expected is ValueMatcher {
  const m = expected as Partial<ValueMatcher> | null;
  return typeof m === 'object' && m !== null && typeof m.matches === 'function' && typeof m.description === 'string';
}

/**
 * The JSON body at `path` equals `expected` (or satisfies it, when a matcher or function is given).
 * e.g. expectJsonPath('env.HTTPBIN_ENV_VERSION', 'v2'), expectJsonPath('headers.X-Version', includes('v2')).
 */
export function expectJsonPath(path: string, expected: ValueMatcher | ((value: unknown) => boolean)): Check;
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
    if (matchesExpected(actual, expected)) return undefined;
    return `expected body ${path} ${describeExpected(expected)}, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}`;
  };
}

function matchesExpected(actual: unknown, expected: unknown): boolean {
  if (isMatcher(expected)) return expected.matches(actual);
  if (typeof expected === 'function') return (expected as (v: unknown) => boolean)(actual);
  return sameJson(actual, expected);
}

function describeExpected(expected: unknown): string {
  if (isMatcher(expected)) return expected.description;
  if (typeof expected === 'function') return 'to satisfy the check';
  return `= ${JSON.stringify(expected)}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** All checks must match; reports the first that does not. Wants the backends its parts want. */
export function all(...checks: Check[]): Check {
  const every: Check = (res) => {
    for (const check of checks) {
      const why = check(res);
      if (why !== undefined) return why;
    }
    return undefined;
  };
  const backends = checks.find((c) => c.backends)?.backends;
  return backends ? fromBackends(every, backends) : every;
}
