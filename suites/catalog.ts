import type { TaskMeta } from 'vitest';
import derivedEntries from './catalog.json' with { type: 'json' };

/**
 * The catalog of kindgate's suite cases, for what needs it before or without running them: the
 * names `--suites` accepts, the tests a subset run reports as not selected, and each test's level,
 * feature and upstream counterpart in the conformance report.
 *
 * Every case declares its metadata beside its body (`defineCase` in suites/case.ts). catalog.json
 * is derived from those declarations: suites/catalog.unit.test.ts collects the suite files and
 * holds catalog.json as a file snapshot, so a case and its entry cannot drift (after changing a
 * case: `npx vitest run --project unit suites/catalog.unit.test.ts -u`).
 */

export type SuiteName = 'gateway' | 'httproute' | 'routing' | 'header-routing' | 'troubleshooting';
export type ConformanceLevel = 'core' | 'extended';
export type ConformanceProfileName = 'GATEWAY-HTTP';

/** What a case says about itself; its suite and file are where it is declared. */
export interface CaseMeta {
  /** Stable name: the conformance report lists tests by it (as upstream lists ShortNames). */
  id: string;
  /** The vitest test name, JUnit testcase name and summary line. */
  title: string;
  /**
   * Upstream conformance test (kubernetes-sigs/gateway-api conformance/tests/*.go, ShortName)
   * asserting the same behaviour on our fixtures, when one exists. A mapping means "asserts the
   * same behaviour", not "is that upstream test": kindgate does not run the upstream suite.
   */
  upstream?: string;
  /** Default GATEWAY-HTTP. */
  profile?: ConformanceProfileName;
  /** Default core. */
  level?: ConformanceLevel;
  /** Upstream feature name an extended test needs; unsupported by the profile means skipped. */
  feature?: string;
}

export interface CatalogEntry extends Required<Pick<CaseMeta, 'id' | 'title' | 'profile' | 'level'>> {
  suite: SuiteName;
  /** Suite file, relative to the project root. */
  file: string;
  upstream?: string;
  feature?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    /** Set by defineCase: the case's metadata, read by the result collector. */
    kindgateCase?: CaseMeta;
  }
}

/**
 * Where each suite is: a test file, or a folder (ending in `/`) whose `*.test.ts` files are its cases.
 * In pipeline order (the summary's order).
 */
export const suiteFiles: Record<SuiteName, string> = {
  gateway: 'suites/gateway-status.test.ts',
  httproute: 'suites/httproute-status.test.ts',
  routing: 'suites/routing.test.ts',
  'header-routing': 'suites/header-routing.test.ts',
  troubleshooting: 'suites/troubleshooting/',
};

/** The vitest include pattern of a suite: its file, or its folder's `*.test.ts` files. */
export function suiteGlob(suite: SuiteName): string {
  const where = suiteFiles[suite];
  return where.endsWith('/') ? `${where}*.test.ts` : where;
}

export const catalogEntries: readonly CatalogEntry[] = derivedEntries as CatalogEntry[];

/** The entries by id: `catalog.routeAccepted`. */
export const catalog: Readonly<Record<string, CatalogEntry>> = Object.fromEntries(catalogEntries.map((e) => [e.id, e]));

const byId = new Map(catalogEntries.map((e) => [e.id, e]));

/** The entry of a case id; undefined for an id the catalog does not have. */
export function entryById(id: string): CatalogEntry | undefined {
  return byId.get(id);
}

/** The metadata a case carries in its vitest task (undefined for a test that is not a case). */
export function caseOf(test: { meta(): TaskMeta }): CaseMeta | undefined {
  return test.meta().kindgateCase;
}

/** A case's catalog entry, defaults filled in, keys in a stable order. */
export function catalogEntryOf(meta: CaseMeta, suite: SuiteName, file: string): CatalogEntry {
  return {
    id: meta.id,
    suite,
    file,
    title: meta.title,
    ...(meta.upstream ? { upstream: meta.upstream } : {}),
    profile: meta.profile ?? 'GATEWAY-HTTP',
    level: meta.level ?? 'core',
    ...(meta.feature ? { feature: meta.feature } : {}),
  };
}

/** Catalog entries of one suite, in catalog order. */
export function entriesOf(suite: string): CatalogEntry[] {
  return catalogEntries.filter((e) => e.suite === suite);
}

/**
 * The suite a test file belongs to: the catalog's name for the known suite files and folders, else
 * the file's base name without `.test.ts` (so new suites still get a stable name).
 */
export function suiteOfFile(file: string): string {
  const normalized = file.replaceAll('\\', '/');
  for (const [suite, where] of Object.entries(suiteFiles)) {
    const inside = where.endsWith('/') && (normalized.startsWith(where) || normalized.includes(`/${where}`));
    if (inside || normalized === where || normalized.endsWith(`/${where}`)) return suite;
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
