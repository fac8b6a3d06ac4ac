import { beforeAll, describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import { defaultTimeouts } from '../harness/config/options.ts';
import { packageRoot } from '../harness/package-paths.ts';
import type { ClusterHandle } from '../harness/run/handle.ts';
import {
  caseOf,
  catalog,
  catalogEntries,
  catalogEntryOf,
  entriesOf,
  suiteFiles,
  suiteOfFile,
  upstreamMapping,
  type CatalogEntry,
  type SuiteName,
} from './catalog.ts';

/**
 * A handle shaped like the built-in fixtures' (one Gateway with listener `http`, one HTTPRoute
 * attached to it), so that parameterised titles read as the catalog keeps them. Collecting runs no
 * test: nothing here is contacted.
 */
const fixturesLikeHandle: ClusterHandle = {
  provider: 'sim',
  kubeconfigPath: '/nonexistent/kubeconfig',
  profile: {
    name: 'istio',
    gatewayClassName: 'istio',
    controllerName: 'istio.io/gateway-controller',
    serverHeader: { source: 'envoy', flags: '' },
  },
  hostname: 'httpbin.example.com',
  namespaces: ['kindgate-apps'],
  gateways: [{ namespace: 'kindgate-gateways', name: 'external-gateway', listeners: ['http'] }],
  routes: [
    {
      namespace: 'kindgate-apps',
      name: 'httpbin-route',
      kind: 'HTTPRoute',
      hostnames: ['httpbin.example.com'],
      parents: [{ namespace: 'kindgate-gateways', name: 'external-gateway', sectionName: 'http' }],
    },
  ],
  endpoints: {},
  timeouts: defaultTimeouts,
};

interface Collected {
  entries: CatalogEntry[];
  /** Tests in suite files that are not cases (no defineCase metadata). */
  notCases: string[];
  /** Ids declared by more than one case. */
  duplicates: string[];
}

const suiteOrder = Object.keys(suiteFiles);
const rank = (file: string) => {
  const i = suiteOrder.indexOf(suiteOfFile(file));
  return i === -1 ? suiteOrder.length : i;
};

/** Collect (not run) every suite file as the runner would, and read each case's metadata from its task. */
async function collectCases(): Promise<Collected> {
  const { createVitest } = await import('vitest/node');
  const exitCode = process.exitCode;
  const vitest = await createVitest(
    'test',
    {
      root: packageRoot,
      config: false,
      watch: false,
      include: ['suites/**/*.test.ts'],
      exclude: ['suites/**/*.unit.test.ts'],
      provide: { kindgate: fixturesLikeHandle },
      // One module graph for all files, as the runner has it: 1.5 s instead of 10 s here.
      isolate: false,
    } as never,
    { logLevel: 'silent' },
  );
  try {
    const { testModules, unhandledErrors } = await vitest.collect();
    expect(unhandledErrors).toEqual([]);
    for (const mod of testModules) expect(mod.errors(), mod.relativeModuleId).toEqual([]);
    return casesOf(testModules);
  } finally {
    await vitest.close();
    process.exitCode = exitCode;
  }
}

function casesOf(testModules: readonly TestModule[]): Collected {
  const modules = [...testModules].sort(
    (a, b) =>
      rank(a.relativeModuleId) - rank(b.relativeModuleId) || a.relativeModuleId.localeCompare(b.relativeModuleId),
  );
  const collected: Collected = { entries: [], notCases: [], duplicates: [] };
  for (const mod of modules) {
    const file = mod.relativeModuleId;
    for (const test of mod.children.allTests()) {
      const meta = caseOf(test);
      if (!meta) collected.notCases.push(`${file}: ${test.fullName}`);
      else if (collected.entries.some((e) => e.id === meta.id)) collected.duplicates.push(meta.id);
      else collected.entries.push(catalogEntryOf(meta, suiteOfFile(file) as SuiteName, file));
    }
  }
  return collected;
}

describe('the catalog, derived from the cases', () => {
  let collected: Collected;
  beforeAll(async () => {
    collected = await collectCases();
  }, 60_000);

  it('is catalog.json, exactly (after changing a case: run this test with -u)', async () => {
    const text = `${JSON.stringify(collected.entries, null, 2)}\n`;
    await expect(text, 'suites/catalog.json differs from the cases: rerun with -u and commit it').toMatchFileSnapshot(
      './catalog.json',
    );
    expect(catalogEntries).toEqual(collected.entries);
  });

  it('has every test of the suites as a case, each id declared once, in a known suite', () => {
    expect(collected.notCases).toEqual([]);
    expect(collected.duplicates).toEqual([]);
    for (const entry of collected.entries) expect(suiteOrder, entry.file).toContain(entry.suite);
  });
});

describe('catalog', () => {
  it('gives each suite its titles, unique within the suite', () => {
    expect(entriesOf('header-routing').map((e) => e.id)).toEqual(['headerV2', 'headerV1', 'headersEcho']);
    expect(entriesOf('troubleshooting')).toHaveLength(10);
    for (const suite of ['gateway', 'httproute', 'routing', 'header-routing', 'troubleshooting']) {
      const titles = entriesOf(suite).map((e) => e.title);
      expect(new Set(titles).size).toBe(titles.length);
    }
    expect(catalogEntries.every((e) => catalog[e.id] === e)).toBe(true);
    expect(catalog.routingOk.title).toBe('GET /headers through the Gateway answers 200');
    expect(catalog.listenerReady.title).toBe(
      'listener http is Accepted, Programmed and ResolvedRefs with the attached routes counted',
    );
  });

  it('names suites by their files, and unknown files by base name', () => {
    expect(suiteOfFile('suites/gateway-status.test.ts')).toBe('gateway');
    expect(suiteOfFile('/abs/path/suites/header-routing.test.ts')).toBe('header-routing');
    expect(suiteOfFile('suites\\httproute-status.test.ts')).toBe('httproute');
    expect(suiteOfFile('suites/troubleshooting/30-backend-not-found.test.ts')).toBe('troubleshooting');
    expect(suiteOfFile('/abs/path/suites/troubleshooting/10-not-allowed-by-listeners.test.ts')).toBe('troubleshooting');
    expect(suiteOfFile('suites/negative-routes.test.ts')).toBe('negative-routes');
    expect(suiteOfFile('harness/x/foo.sim.test.ts')).toBe('foo');
  });

  it('maps upstream tests to the kindgate tests asserting them', () => {
    const mapping = upstreamMapping();
    expect(mapping.get('HTTPRouteCrossNamespace')).toEqual(['routeAccepted', 'routingOk']);
    expect(mapping.get('HTTPRouteHeaderMatching')).toEqual(['headerV2']);
    expect(mapping.get('HTTPRouteInvalidNonExistentBackendRef')).toEqual(['tsBackendNotFound', 'tsBackendNotFound500']);
    expect(mapping.get('HTTPRouteWeight')).toEqual(['tsWeightSplit', 'tsWeightZero']);
    expect(catalog.tsReferenceGrant).toMatchObject({
      suite: 'troubleshooting',
      file: 'suites/troubleshooting/50-cross-namespace-backend.test.ts',
      level: 'core',
    });
    expect(catalog.gatewayAccepted).not.toHaveProperty('upstream');
  });
});
