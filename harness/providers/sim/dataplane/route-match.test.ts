import { describe, expect, it } from 'vitest';
import type { HTTPRouteMatch } from '../../../kube/gateway-api.ts';
import {
  type CandidateRoute,
  type CandidateRule,
  type RequestFacts,
  compareMatchPrecedence,
  effectiveHostnames,
  hostnameMatches,
  intersectHostname,
  matchHolds,
  normalizeHost,
  pathPrefixMatches,
  selectRoute,
} from './route-match.ts';

type Rule = CandidateRule & { id: string };

function req(
  path: string,
  opts: { host?: string; method?: string; headers?: Record<string, string> } = {},
): RequestFacts {
  const url = new URL(path, 'http://x');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    host: opts.host ?? 'example.com',
    path: url.pathname,
    method: opts.method ?? 'GET',
    headers,
    query: url.searchParams,
  };
}

function route(
  name: string,
  rules: Rule[],
  opts: { hostnames?: string[]; created?: string; namespace?: string } = {},
): CandidateRoute<Rule> {
  return {
    namespace: opts.namespace ?? 'default',
    name,
    creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z',
    hostnames: opts.hostnames ?? ['*'],
    rules,
  };
}

function chosen(routes: CandidateRoute<Rule>[], r: RequestFacts): string | undefined {
  return selectRoute(routes, r)?.rule.id;
}

describe('hostnames', () => {
  it('normalizes the Host header: case, port and trailing dot are ignored', () => {
    expect(normalizeHost('HttpBin.Example.com:8080')).toBe('httpbin.example.com');
    expect(normalizeHost('example.com.')).toBe('example.com');
    expect(normalizeHost('[::1]:80')).toBe('[::1]');
  });

  it('matches wildcards as a suffix of at least one label', () => {
    expect(hostnameMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(hostnameMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostnameMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostnameMatches('*.example.com', 'aexample.com')).toBe(false);
    expect(hostnameMatches('foo.example.com', 'FOO.example.com:80')).toBe(true);
  });

  it('intersects listener and route hostnames as the spec examples say', () => {
    // Listener test.example.com: routes with test.example.com or *.example.com.
    expect(intersectHostname('test.example.com', 'test.example.com')).toBe('test.example.com');
    expect(intersectHostname('test.example.com', '*.example.com')).toBe('test.example.com');
    expect(intersectHostname('test.example.com', 'other.example.com')).toBeUndefined();
    // Listener *.example.com: *.example.com, test.example.com, foo.test.example.com; not example.com or test.example.net.
    expect(intersectHostname('*.example.com', '*.example.com')).toBe('*.example.com');
    expect(intersectHostname('*.example.com', 'test.example.com')).toBe('test.example.com');
    expect(intersectHostname('*.example.com', 'foo.test.example.com')).toBe('foo.test.example.com');
    expect(intersectHostname('*.example.com', 'example.com')).toBeUndefined();
    expect(intersectHostname('*.example.com', 'test.example.net')).toBeUndefined();
    // Two wildcards intersect in the narrower one.
    expect(intersectHostname('*.example.com', '*.com')).toBe('*.example.com');
    expect(intersectHostname('*.com', '*.example.com')).toBe('*.example.com');
    expect(intersectHostname(undefined, 'Foo.example.com')).toBe('foo.example.com');
  });

  it('drops route hostnames outside the listener and inherits the listener hostname when the route has none', () => {
    expect(effectiveHostnames('*.example.com', ['test.example.com', 'test.example.net'])).toEqual(['test.example.com']);
    expect(effectiveHostnames('*.example.com', ['test.example.net'])).toEqual([]);
    expect(effectiveHostnames('foo.example.com', undefined)).toEqual(['foo.example.com']);
    expect(effectiveHostnames(undefined, [])).toEqual(['*']);
  });
});

describe('path matching', () => {
  it('PathPrefix matches whole segments and ignores a trailing slash', () => {
    expect(pathPrefixMatches('/abc', '/abc')).toBe(true);
    expect(pathPrefixMatches('/abc', '/abc/')).toBe(true);
    expect(pathPrefixMatches('/abc', '/abc/def')).toBe(true);
    expect(pathPrefixMatches('/abc', '/abcd')).toBe(false);
    expect(pathPrefixMatches('/abc/', '/abc')).toBe(true);
    expect(pathPrefixMatches('/abc/', '/abcd')).toBe(false);
    expect(pathPrefixMatches('/', '/anything')).toBe(true);
  });

  it('Exact and RegularExpression match the whole path', () => {
    expect(matchHolds({ path: { type: 'Exact', value: '/get' } }, req('/get'))).toBe(true);
    expect(matchHolds({ path: { type: 'Exact', value: '/get' } }, req('/get/'))).toBe(false);
    expect(matchHolds({ path: { type: 'RegularExpression', value: '/status/[0-9]+' } }, req('/status/418'))).toBe(true);
    expect(matchHolds({ path: { type: 'RegularExpression', value: '/status/[0-9]+' } }, req('/x/status/418'))).toBe(
      false,
    );
    expect(matchHolds({ path: { type: 'RegularExpression', value: '([' } }, req('/'))).toBe(false);
  });

  it('a match without a path is a prefix match on /', () => {
    expect(matchHolds({ method: 'GET' }, req('/anything'))).toBe(true);
  });
});

describe('header, query and method matching', () => {
  it('matches header names case-insensitively and values exactly', () => {
    const m: HTTPRouteMatch = { headers: [{ name: 'X-Version', value: 'v2' }] };
    expect(matchHolds(m, req('/', { headers: { 'x-version': 'v2' } }))).toBe(true);
    expect(matchHolds(m, req('/', { headers: { 'x-version': 'V2' } }))).toBe(false);
    expect(matchHolds(m, req('/'))).toBe(false);
  });

  it('considers only the first of equivalent header names', () => {
    const m: HTTPRouteMatch = {
      headers: [
        { name: 'version', value: 'one' },
        { name: 'Version', value: 'two' },
      ],
    };
    expect(matchHolds(m, req('/', { headers: { version: 'one' } }))).toBe(true);
  });

  it('ANDs path, headers, query params and method', () => {
    const m: HTTPRouteMatch = {
      path: { type: 'PathPrefix', value: '/api' },
      method: 'POST',
      headers: [{ name: 'env', value: 'canary' }],
      queryParams: [{ name: 'debug', value: '1' }],
    };
    expect(matchHolds(m, req('/api/x?debug=1', { method: 'POST', headers: { env: 'canary' } }))).toBe(true);
    expect(matchHolds(m, req('/api/x?debug=1', { method: 'GET', headers: { env: 'canary' } }))).toBe(false);
    expect(matchHolds(m, req('/api/x?debug=2', { method: 'POST', headers: { env: 'canary' } }))).toBe(false);
    expect(matchHolds(m, req('/api/x', { method: 'POST', headers: { env: 'canary' } }))).toBe(false);
  });
});

describe('precedence (HTTPRouteRule.matches in the spec)', () => {
  it('orders exact path > longest prefix > method > most headers > most query params', () => {
    const exact: HTTPRouteMatch = { path: { type: 'Exact', value: '/a' } };
    const longPrefix: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/a/b' } };
    const shortPrefix: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/a' } };
    const withMethod: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/a' }, method: 'GET' };
    const twoHeaders: HTTPRouteMatch = {
      path: { type: 'PathPrefix', value: '/a' },
      headers: [
        { name: 'a', value: '1' },
        { name: 'b', value: '1' },
      ],
    };
    const oneQuery: HTTPRouteMatch = {
      path: { type: 'PathPrefix', value: '/a' },
      queryParams: [{ name: 'q', value: '1' }],
    };
    expect(compareMatchPrecedence(exact, longPrefix)).toBeLessThan(0);
    expect(compareMatchPrecedence(longPrefix, withMethod)).toBeLessThan(0);
    expect(compareMatchPrecedence(withMethod, twoHeaders)).toBeLessThan(0);
    expect(compareMatchPrecedence(twoHeaders, oneQuery)).toBeLessThan(0);
    expect(compareMatchPrecedence(oneQuery, shortPrefix)).toBeLessThan(0);
    expect(compareMatchPrecedence(shortPrefix, shortPrefix)).toBe(0);
  });

  it('the tutorial route: the header rule wins over the catch-all only when the header is present', () => {
    const routes = [
      route('httpbin-route', [
        { id: 'v2', matches: [{ headers: [{ name: 'x-version', value: 'v2', type: 'Exact' }] }] },
        { id: 'v1', matches: [{ path: { type: 'PathPrefix', value: '/' } }] },
      ]),
    ];
    expect(chosen(routes, req('/env', { headers: { 'x-version': 'v2' } }))).toBe('v2');
    expect(chosen(routes, req('/env'))).toBe('v1');
  });

  it('a later rule with a longer prefix beats an earlier shorter one (precedence is not list order)', () => {
    const routes = [
      route('r', [
        { id: 'short', matches: [{ path: { value: '/' } }] },
        { id: 'long', matches: [{ path: { value: '/api' } }] },
      ]),
    ];
    expect(chosen(routes, req('/api/x'))).toBe('long');
    expect(chosen(routes, req('/apix'))).toBe('short');
  });

  it('compares matches across routes, not routes as a whole', () => {
    const a = route('a', [{ id: 'a-prefix', matches: [{ path: { value: '/' } }] }], {
      created: '2020-01-01T00:00:00Z',
    });
    const b = route('b', [{ id: 'b-exact', matches: [{ path: { type: 'Exact', value: '/x' } }] }], {
      created: '2025-01-01T00:00:00Z',
    });
    expect(chosen([a, b], req('/x'))).toBe('b-exact');
    expect(chosen([a, b], req('/y'))).toBe('a-prefix');
  });

  it('breaks ties by the oldest route, then namespace/name alphabetically, then rule order', () => {
    const older = route('zzz', [{ id: 'older' }], { created: '2020-01-01T00:00:00Z' });
    const newer = route('aaa', [{ id: 'newer' }], { created: '2021-01-01T00:00:00Z' });
    expect(chosen([newer, older], req('/'))).toBe('older');

    const nsB = route('same', [{ id: 'ns-b' }], { namespace: 'b' });
    const nsA = route('same', [{ id: 'ns-a' }], { namespace: 'a' });
    expect(chosen([nsB, nsA], req('/'))).toBe('ns-a');

    const one = route('one', [{ id: 'first' }, { id: 'second' }]);
    expect(chosen([one], req('/'))).toBe('first');
  });

  it('a regular expression ranks after Exact and before any prefix', () => {
    const routes = [
      route('r', [
        { id: 'prefix', matches: [{ path: { value: '/status' } }] },
        { id: 'regex', matches: [{ path: { type: 'RegularExpression', value: '/status/[0-9]+' } }] },
        { id: 'exact', matches: [{ path: { type: 'Exact', value: '/status/200' } }] },
      ]),
    ];
    expect(chosen(routes, req('/status/200'))).toBe('exact');
    expect(chosen(routes, req('/status/404'))).toBe('regex');
    expect(chosen(routes, req('/status/abc'))).toBe('prefix');
  });

  it('returns nothing when no rule matches', () => {
    const routes = [route('r', [{ id: 'x', matches: [{ path: { type: 'Exact', value: '/only' } }] }])];
    expect(selectRoute(routes, req('/other'))).toBeUndefined();
  });
});

describe('host selection', () => {
  const exact = route('exact', [{ id: 'exact' }], { hostnames: ['foo.example.com'] });
  const wildcard = route('wild', [{ id: 'wild' }], { hostnames: ['*.example.com'] });
  const deeper = route('deeper', [{ id: 'deeper' }], { hostnames: ['*.bar.example.com'] });
  const any = route('any', [{ id: 'any' }], { hostnames: ['*'] });

  it('prefers an exact hostname, then the longest wildcard, then routes without hostnames', () => {
    const all = [any, wildcard, deeper, exact];
    expect(chosen(all, req('/', { host: 'foo.example.com' }))).toBe('exact');
    expect(chosen(all, req('/', { host: 'x.bar.example.com' }))).toBe('deeper');
    expect(chosen(all, req('/', { host: 'other.example.com:8080' }))).toBe('wild');
    expect(chosen(all, req('/', { host: 'elsewhere.org' }))).toBe('any');
  });

  it('answers nothing for a host no route serves', () => {
    expect(selectRoute([exact, wildcard], req('/', { host: 'unknown.org' }))).toBeUndefined();
    expect(selectRoute([exact], req('/', { host: 'example.com' }))).toBeUndefined();
  });

  it('does not fall back to a less specific hostname when the specific one has no matching rule', () => {
    const narrow = route('narrow', [{ id: 'narrow', matches: [{ path: { type: 'Exact', value: '/only' } }] }], {
      hostnames: ['foo.example.com'],
    });
    expect(selectRoute([narrow, wildcard], req('/other', { host: 'foo.example.com' }))).toBeUndefined();
  });
});
