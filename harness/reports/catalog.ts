/**
 * The catalog of kindgate's suite tests: one place for each test's title (the suites import it, so
 * JUnit names and the conformance report cannot drift from the code), its suite, and the upstream
 * Gateway API conformance test it corresponds to.
 *
 * Upstream mappings were checked against kubernetes-sigs/gateway-api v1.6.1, conformance/tests/*.go
 * (ShortName + what the test asserts). A mapping means "asserts the same behaviour on our fixtures",
 * not "is that upstream test": kindgate does not run the upstream suite.
 */

export type SuiteName = 'gateway' | 'httproute' | 'routing' | 'header-routing';
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
  listenerReady: entry('listenerReady', 'gateway', 'listener http is Accepted, Programmed and ResolvedRefs with the attached routes counted', {
    upstream: 'GatewayWithAttachedRoutes',
    matches: /^listener \S+ is Accepted, Programmed and ResolvedRefs with the attached routes counted$/,
  }),
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
  headerV2: entry('headerV2', 'header-routing', 'x-version: v2 routes /env to v2', { upstream: 'HTTPRouteHeaderMatching' }),
  // HTTPRouteMatching: `/` without the header falls to the path-prefix rule (v1) while the header
  // rule wins when the header is present: the same precedence as our two rules.
  headerV1: entry('headerV1', 'header-routing', 'without x-version /env is served by v1', { upstream: 'HTTPRouteMatching' }),
  // Upstream's echo backend checks request headers inside other tests; no test of its own.
  headersEcho: entry('headersEcho', 'header-routing', '/headers echoes X-Version: v2'),
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
  return catalogEntries.find((e) => e.suite === suite && (e.title === title || e.title === leaf || e.matches?.test(leaf) === true));
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
