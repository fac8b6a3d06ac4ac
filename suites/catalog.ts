/**
 * The catalog of kindgate's suite tests: one place for each test's title (the suites import it, so
 * JUnit names and the conformance report cannot drift from the code), its suite, and the upstream
 * Gateway API conformance test it corresponds to.
 *
 * Upstream mappings were checked against kubernetes-sigs/gateway-api v1.6.1, conformance/tests/*.go
 * (ShortName + what the test asserts). A mapping means "asserts the same behaviour on our fixtures",
 * not "is that upstream test": kindgate does not run the upstream suite.
 */

export type SuiteName = 'gateway' | 'httproute' | 'routing' | 'header-routing' | 'troubleshooting';
export type ConformanceLevel = 'core' | 'extended';
export type ConformanceProfileName = 'GATEWAY-HTTP';

export interface CatalogEntry {
  id: string;
  suite: SuiteName;
  /** Suite file, relative to the project root. */
  file: string;
  title: string;
  /** Upstream conformance test ShortName asserting the same behaviour, when one exists. */
  upstream?: string;
  profile: ConformanceProfileName;
  level: ConformanceLevel;
  /** Upstream feature name an extended test needs; unsupported by the profile means skipped. */
  feature?: string;
  /** Titles of the same test for other parameters (e.g. another listener name). */
  matches?: RegExp;
}

export const suiteFiles: Record<SuiteName, string> = {
  gateway: 'suites/gateway-status.test.ts',
  httproute: 'suites/httproute-status.test.ts',
  routing: 'suites/routing.test.ts',
  'header-routing': 'suites/header-routing.test.ts',
  troubleshooting: 'suites/troubleshooting.test.ts',
};

function entry(id: string, suite: SuiteName, title: string, extra: Partial<CatalogEntry> = {}): CatalogEntry {
  return { id, suite, file: suiteFiles[suite], title, profile: 'GATEWAY-HTTP', level: 'core', ...extra };
}

export const catalog = {
  // Upstream checks Gateway conditions only as a precondition (GatewayMustHaveLatestConditions) or
  // after a spec change (GatewayObservedGenerationBump); neither is this test, so no mapping.
  gatewayAccepted: entry('gatewayAccepted', 'gateway', 'Gateway is Accepted and Programmed at its latest generation'),
  // Upstream waits for an address in every test (WaitForGatewayAddress helper), not as a test.
  gatewayAddress: entry('gatewayAddress', 'gateway', 'Gateway has an address in status.addresses'),
  // GatewayWithAttachedRoutes: listener `http` Accepted + ResolvedRefs, attachedRoutes counted.
  listenerReady: entry(
    'listenerReady',
    'gateway',
    'listener http is Accepted, Programmed and ResolvedRefs with the attached routes counted',
    {
      upstream: 'GatewayWithAttachedRoutes',
      matches: /^listener \S+ is Accepted, Programmed and ResolvedRefs with the attached routes counted$/,
    },
  ),
  // HTTPRouteCrossNamespace: a route in another namespace than its Gateway is accepted with
  // ResolvedRefs=True and a request reaches its backend (our fixtures keep them apart, as upstream).
  routeAccepted: entry('routeAccepted', 'httproute', 'HTTPRoute is Accepted with ResolvedRefs for its parent Gateway', {
    upstream: 'HTTPRouteCrossNamespace',
  }),
  routingOk: entry('routingOk', 'routing', 'GET /headers through the Gateway answers 200', {
    upstream: 'HTTPRouteCrossNamespace',
  }),
  // The server header is implementation specific; upstream has no test for it.
  serverHeader: entry('serverHeader', 'routing', "responses carry the profile's server header"),
  // HTTPRouteHeaderMatching: an exact header match selects the backend.
  headerV2: entry('headerV2', 'header-routing', 'x-version: v2 routes /env to v2', {
    upstream: 'HTTPRouteHeaderMatching',
  }),
  // HTTPRouteMatching: `/` without the header falls to the path-prefix rule (v1) while the header
  // rule wins when the header is present: the same precedence as our two rules.
  headerV1: entry('headerV1', 'header-routing', 'without x-version /env is served by v1', {
    upstream: 'HTTPRouteMatching',
  }),
  // Upstream's echo backend checks request headers inside other tests; no test of its own.
  headersEcho: entry('headersEcho', 'header-routing', '/headers echoes X-Version: v2'),

  // The troubleshooting section's cases: each test creates (and removes) its own objects.
  // HTTPRouteInvalidCrossNamespaceParentRef: a route in a namespace the listener's
  // allowedRoutes (from: Same) excludes gets Accepted=False/NotAllowedByListeners.
  tsNotAllowedByListeners: entry(
    'tsNotAllowedByListeners',
    'troubleshooting',
    'a route from a namespace the listener does not allow is not Accepted (NotAllowedByListeners)',
    {
      upstream: 'HTTPRouteInvalidCrossNamespaceParentRef',
    },
  ),
  // A parentRef to a Gateway that does not exist cannot be asserted portably (Istio writes no
  // parent status for it), so this is upstream's sectionName variant: Accepted=False/NoMatchingParent.
  tsNoMatchingParent: entry(
    'tsNoMatchingParent',
    'troubleshooting',
    'a parentRef to a listener the Gateway does not have is not Accepted (NoMatchingParent)',
    {
      upstream: 'HTTPRouteInvalidParentRefNotMatchingSectionName',
    },
  ),
  // HTTPRouteInvalidNonExistentBackendRef: ResolvedRefs=False/BackendNotFound, and requests get 500.
  tsBackendNotFound: entry(
    'tsBackendNotFound',
    'troubleshooting',
    'a route to a missing Service has ResolvedRefs=False (BackendNotFound)',
    {
      upstream: 'HTTPRouteInvalidNonExistentBackendRef',
    },
  ),
  tsBackendNotFound500: entry('tsBackendNotFound500', 'troubleshooting', 'requests to a missing Service get 500', {
    upstream: 'HTTPRouteInvalidNonExistentBackendRef',
  }),
  // HTTPRouteHostnameIntersection: a Host that no attached route's hostnames match gets 404.
  tsUnknownHost: entry('tsUnknownHost', 'troubleshooting', 'a Host no route matches gets 404', {
    upstream: 'HTTPRouteHostnameIntersection',
  }),
  // HTTPRouteInvalidCrossNamespaceBackendRef: without a ReferenceGrant, RefNotPermitted and 500.
  tsRefNotPermitted: entry(
    'tsRefNotPermitted',
    'troubleshooting',
    'a backend in another namespace without a ReferenceGrant has ResolvedRefs=False (RefNotPermitted) and gets 500',
    {
      upstream: 'HTTPRouteInvalidCrossNamespaceBackendRef',
    },
  ),
  // HTTPRouteReferenceGrant: with the grant, ResolvedRefs=True and requests reach the backend.
  tsReferenceGrant: entry(
    'tsReferenceGrant',
    'troubleshooting',
    'with a ReferenceGrant the backend in another namespace resolves and answers',
    {
      upstream: 'HTTPRouteReferenceGrant',
    },
  ),
  // HTTPRouteObservedGenerationBump: after a spec change, the conditions observe the new generation.
  tsObservedGeneration: entry(
    'tsObservedGeneration',
    'troubleshooting',
    "a route's conditions observe its new generation after a spec update",
    {
      upstream: 'HTTPRouteObservedGenerationBump',
    },
  ),
  // HTTPRouteWeight: traffic splits by weight (upstream 70/30/0, checked with a tolerance); we
  // check 1:1 reaches both sides, and that a weight-0 backend gets nothing.
  tsWeightSplit: entry('tsWeightSplit', 'troubleshooting', 'equal weights send requests to both backends', {
    upstream: 'HTTPRouteWeight',
  }),
  tsWeightZero: entry('tsWeightZero', 'troubleshooting', 'a backend with weight 0 gets no requests', {
    upstream: 'HTTPRouteWeight',
  }),
} as const satisfies Record<string, CatalogEntry>;

export type TestId = keyof typeof catalog;

export const catalogEntries: readonly CatalogEntry[] = Object.values(catalog);

/** The title a suite passes to `it()`: `it(testTitle('routingOk'), ...)`. */
export function testTitle(id: TestId): string {
  return catalog[id].title;
}

/** The listenerReady title for a listener other than the fixtures' `http`. */
export function listenerReadyTitle(listener: string): string {
  return catalog.listenerReady.title.replace(/^listener http /, `listener ${listener} `);
}

/** Catalog entries of one suite, in catalog order. */
export function entriesOf(suite: string): CatalogEntry[] {
  return catalogEntries.filter((e) => e.suite === suite);
}

/** The catalog entry of a vitest test, by its suite and title (leaf name or full name). */
export function findEntry(suite: string, title: string): CatalogEntry | undefined {
  const leaf = title.includes(' > ') ? title.slice(title.lastIndexOf(' > ') + 3) : title;
  return catalogEntries.find(
    (e) => e.suite === suite && (e.title === title || e.title === leaf || e.matches?.test(leaf) === true),
  );
}

/**
 * The suite a test file belongs to: the catalog's name for the known suite files, else the file's
 * base name without `.test.ts` (so new suites still get a stable name).
 */
export function suiteOfFile(file: string): string {
  const normalized = file.replaceAll('\\', '/');
  for (const [suite, suiteFile] of Object.entries(suiteFiles)) {
    if (normalized === suiteFile || normalized.endsWith(`/${suiteFile}`)) return suite;
  }
  const base = normalized.slice(normalized.lastIndexOf('/') + 1);
  return base.replace(/(\.(sim|docker))?\.test\.[cm]?[jt]s$/, '');
}

/** Upstream tests the catalog maps onto, each with the kindgate tests that assert it. */
export function upstreamMapping(entries: readonly CatalogEntry[] = catalogEntries): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of entries) {
    if (!e.upstream) continue;
    map.set(e.upstream, [...(map.get(e.upstream) ?? []), e.id]);
  }
  return map;
}
