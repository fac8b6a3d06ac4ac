import { DEFAULT_MATCH, type HTTPRouteMatch } from '../../../kube/gateway-api.ts';

/**
 * Request matching for the sim's data plane, with the Gateway API's precedence rules
 * (HTTPRouteSpec.hostnames and HTTPRouteRule.matches in the v1 CRDs). Pure functions only.
 *
 * Host selection works as Envoy's virtual hosts do (and so as Istio does): the most specific
 * hostname that matches the request wins (exact, then the longest wildcard, then "any host"),
 * and only rules of routes carrying that hostname compete; there is no fallback to a less
 * specific hostname when none of them match.
 */

/** A route as the data plane sees it on one listener. */
export interface CandidateRoute<R = unknown> {
  namespace: string;
  name: string;
  /** RFC 3339; older routes win ties. */
  creationTimestamp: string;
  /** Effective hostnames on this listener (see effectiveHostnames); `*` means any host. */
  hostnames: string[];
  rules: R[];
}

export interface CandidateRule {
  matches?: HTTPRouteMatch[];
}

export interface RequestFacts {
  /** The Host header as received (a port is ignored, as the spec requires). */
  host: string;
  /** Path without the query string. */
  path: string;
  method: string;
  /** Lower-case names, as Node's IncomingMessage gives them. */
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
}

export interface RouteSelection<R> {
  route: CandidateRoute<R>;
  rule: R;
  ruleIndex: number;
  match: HTTPRouteMatch;
}

/** Lower-case host without port or trailing dot. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    h = end === -1 ? h : h.slice(0, end + 1);
  } else {
    const colon = h.lastIndexOf(':');
    if (colon !== -1) h = h.slice(0, colon);
  }
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** `*.example.com` matches `a.example.com` and `a.b.example.com` but not `example.com`. */
export function hostnameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = normalizeHost(host);
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

/**
 * The hostname a route hostname contributes on a listener with hostname `listener`, or
 * undefined if they do not intersect (the more specific of the two when one covers the other).
 */
export function intersectHostname(listener: string | undefined, route: string): string | undefined {
  const r = route.toLowerCase();
  if (!listener) return r;
  const l = listener.toLowerCase();
  if (l === r) return r;
  if (l.startsWith('*.') && hostnameMatches(l, r.startsWith('*.') ? r.slice(2) : r)) {
    // r is inside l's wildcard; a wildcard r must be at least as deep as l (`*.a.example.com` in `*.example.com`).
    if (!r.startsWith('*.') || r.length > l.length) return r;
  }
  if (r.startsWith('*.') && hostnameMatches(r, l.startsWith('*.') ? l.slice(2) : l)) {
    if (!l.startsWith('*.') || l.length > r.length) return l;
  }
  return undefined;
}

/**
 * The hostnames a route serves on a listener: route hostnames intersected with the listener's;
 * no route hostnames means the listener's hostname, or any host (`*`). An empty result means the
 * route cannot attach to this listener (NoMatchingListenerHostname).
 */
export function effectiveHostnames(listener: string | undefined, routeHostnames: string[] | undefined): string[] {
  if (!routeHostnames || routeHostnames.length === 0) return [listener ? listener.toLowerCase() : '*'];
  const out: string[] = [];
  for (const h of routeHostnames) {
    const i = intersectHostname(listener, h);
    if (i !== undefined && !out.includes(i)) out.push(i);
  }
  return out;
}

/** Rank of a hostname pattern for a request host: higher is more specific; -1 = no match. */
export function hostRank(pattern: string, host: string): number {
  if (!hostnameMatches(pattern, host)) return -1;
  if (pattern === '*') return 0;
  if (pattern.startsWith('*.')) return 1 + pattern.length; // longer wildcard suffix is more specific
  return 1_000_000; // exact
}

/** The most specific hostname among the routes that matches the request host, if any. */
export function selectHostname(routes: CandidateRoute[], host: string): string | undefined {
  let best: string | undefined;
  let bestRank = -1;
  for (const route of routes) {
    for (const pattern of route.hostnames) {
      const rank = hostRank(pattern, host);
      if (rank > bestRank) {
        best = pattern;
        bestRank = rank;
      }
    }
  }
  return best;
}

const regexCache = new Map<string, RegExp | null>();

/** Full-string match, as Envoy's safe_regex does; an invalid pattern matches nothing. */
function regexFullMatch(pattern: string, value: string): boolean {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    regexCache.set(pattern, re);
  }
  return re !== null && re.test(value);
}

/**
 * PathPrefix matches whole path segments: `/abc` matches `/abc`, `/abc/` and `/abc/def` but not
 * `/abcd`; a trailing `/` in the prefix is ignored.
 */
export function pathPrefixMatches(prefix: string, path: string): boolean {
  const p = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (p === '/') return path.startsWith('/');
  return path === p || path.startsWith(`${p}/`);
}

function headerValue(headers: RequestFacts['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Whether one HTTPRouteMatch (all of its conditions, ANDed) holds for the request. */
export function matchHolds(match: HTTPRouteMatch, req: RequestFacts): boolean {
  const path = match.path ?? DEFAULT_MATCH.path!;
  const type = path.type ?? 'PathPrefix';
  const value = path.value ?? '/';
  if (type === 'Exact' && req.path !== value) return false;
  if (type === 'PathPrefix' && !pathPrefixMatches(value, req.path)) return false;
  if (type === 'RegularExpression' && !regexFullMatch(value, req.path)) return false;

  if (match.method && match.method.toUpperCase() !== req.method.toUpperCase()) return false;

  // Only the first entry of an equivalent (case-insensitive) header name counts.
  const seenHeaders = new Set<string>();
  for (const h of match.headers ?? []) {
    const key = h.name.toLowerCase();
    if (seenHeaders.has(key)) continue;
    seenHeaders.add(key);
    const actual = headerValue(req.headers, key);
    if (actual === undefined) return false;
    if ((h.type ?? 'Exact') === 'Exact' ? actual !== h.value : !regexFullMatch(h.value, actual)) return false;
  }

  const seenParams = new Set<string>();
  for (const q of match.queryParams ?? []) {
    if (seenParams.has(q.name)) continue;
    seenParams.add(q.name);
    const actual = req.query.get(q.name);
    if (actual === null) return false;
    if ((q.type ?? 'Exact') === 'Exact' ? actual !== q.value : !regexFullMatch(q.value, actual)) return false;
  }
  return true;
}

/**
 * Orders two matches by the spec's precedence; negative when `a` wins. Exact path, then the
 * longest PathPrefix, then method, then most headers, then most query params. RegularExpression
 * precedence is implementation-specific: here it ranks after Exact and before any PathPrefix
 * (longer patterns first), so a regex rule is not shadowed by a catch-all prefix `/`.
 */
export function compareMatchPrecedence(a: HTTPRouteMatch, b: HTTPRouteMatch): number {
  const pa = pathRank(a);
  const pb = pathRank(b);
  if (pa.category !== pb.category) return pa.category - pb.category;
  if (pa.length !== pb.length) return pb.length - pa.length;
  const ma = a.method ? 1 : 0;
  const mb = b.method ? 1 : 0;
  if (ma !== mb) return mb - ma;
  const ha = uniqueCount(a.headers?.map((h) => h.name.toLowerCase()));
  const hb = uniqueCount(b.headers?.map((h) => h.name.toLowerCase()));
  if (ha !== hb) return hb - ha;
  return uniqueCount(b.queryParams?.map((q) => q.name)) - uniqueCount(a.queryParams?.map((q) => q.name));
}

function pathRank(m: HTTPRouteMatch): { category: number; length: number } {
  const type = m.path?.type ?? 'PathPrefix';
  const value = m.path?.value ?? '/';
  const category = type === 'Exact' ? 0 : type === 'RegularExpression' ? 1 : 2;
  return { category, length: value.length };
}

function uniqueCount(names: string[] | undefined): number {
  return new Set(names ?? []).size;
}

/** Ties across routes: the oldest route, then `{namespace}/{name}` alphabetically. */
export function compareRouteAge(a: CandidateRoute, b: CandidateRoute): number {
  const ta = Date.parse(a.creationTimestamp);
  const tb = Date.parse(b.creationTimestamp);
  if (ta !== tb) return ta - tb;
  const ka = `${a.namespace}/${a.name}`;
  const kb = `${b.namespace}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The rule that serves a request among the routes attached to one listener, or undefined (the
 * data plane answers 404). Host first (most specific hostname), then match precedence across all
 * routes with that hostname, then route age and name, then rule order within a route.
 */
export function selectRoute<R extends CandidateRule>(
  routes: CandidateRoute<R>[],
  req: RequestFacts,
): RouteSelection<R> | undefined {
  const hostname = selectHostname(routes, req.host);
  if (hostname === undefined) return undefined;
  let best: RouteSelection<R> | undefined;
  for (const route of routes) {
    if (!route.hostnames.includes(hostname)) continue;
    route.rules.forEach((rule, ruleIndex) => {
      const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [DEFAULT_MATCH];
      for (const match of matches) {
        if (!matchHolds(match, req)) continue;
        const candidate = { route, rule, ruleIndex, match };
        if (!best || beats(candidate, best)) best = candidate;
      }
    });
  }
  return best;
}

function beats<R>(a: RouteSelection<R>, b: RouteSelection<R>): boolean {
  const byMatch = compareMatchPrecedence(a.match, b.match);
  if (byMatch !== 0) return byMatch < 0;
  if (a.route !== b.route) return compareRouteAge(a.route, b.route) < 0;
  return a.ruleIndex < b.ruleIndex;
}
