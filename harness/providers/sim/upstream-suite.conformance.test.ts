import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { kindgateBin } from '../../package-paths.ts';
import { gatewayHttpCoreFeatures } from '../../profiles/features.ts';
import { parseXml } from '../../reports/xml-parse.test-helper.ts';
import { SIM_SUPPORTED_FEATURES } from './supported-features.ts';
import { goForTier, goTiersCacheDir } from '../../conformance/go-tiers.test-helper.ts';

/**
 * The conformance tier: the whole upstream GATEWAY-HTTP suite against the sim, as
 * `kindgate conformance --provider sim --runner local` runs it, held to the README's table of the
 * upstream tests the sim does not pass (section "The sim against the upstream suite"). A test
 * that fails and is not in the table fails the tier, and so does any skipped core test. The Go
 * caches are the go tier's, outside the repository.
 */

const { skipReason } = await goForTier('conformance');

const cacheDir = goTiersCacheDir;
const readme = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The test names of the README's table (a trailing `*` stands for every test of that prefix). */
function readmeGaps(text: string): string[] {
  const start = text.indexOf('<!-- sim-upstream-gaps:start -->');
  const end = text.indexOf('<!-- sim-upstream-gaps:end -->');
  if (start === -1 || end === -1) throw new Error('README.md has no sim-upstream-gaps table');
  return text
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Za-z0-9]+\*?)`/g)].map((m) => m[1]));
}

const listed = (gaps: string[], test: string) =>
  gaps.some((g) => (g.endsWith('*') ? test.startsWith(g.slice(0, -1)) : g === test));

interface LevelReport {
  result: string;
  statistics: { Passed: number; Failed: number; Skipped: number };
  failedTests?: string[];
  skippedTests?: string[];
  supportedFeatures?: string[];
}

describe.skipIf(Boolean(skipReason))(
  `the upstream suite against the sim${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    it("passes every GATEWAY-HTTP test of the features the sim advertises that the README's table does not list", async () => {
      const gaps = readmeGaps(readFileSync(readme, 'utf8'));
      const reports = mkdtempSync(join(tmpdir(), 'kg-upstream-sim-'));
      const started = performance.now();
      const run = await execa(
        'node',
        [
          kindgateBin,
          'conformance',
          '--provider',
          'sim',
          '--runner',
          'local',
          '--report-dir',
          reports,
          '--cache-dir',
          cacheDir,
        ],
        { reject: false, env: { NO_COLOR: '1' }, timeout: 24 * 60_000 },
      );
      console.info(`upstream suite against the sim: ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const reportFile = readdirSync(reports).find((f) => f.endsWith('-report.yaml'));
      expect(reportFile, run.stderr).toBeDefined();
      const report = parseYaml(readFileSync(join(reports, reportFile!), 'utf8'));
      const profile = report.profiles.find((p: { name: string }) => p.name === 'GATEWAY-HTTP');
      const core = profile.core as LevelReport;
      const extended = profile.extended as LevelReport;

      const failed = [...(core.failedTests ?? []), ...(extended.failedTests ?? [])];
      expect(failed.filter((t) => !listed(gaps, t))).toEqual([]);
      expect(core.statistics.Skipped, `skipped core tests: ${core.skippedTests}`).toBe(0);
      expect(core.statistics.Passed).toBeGreaterThanOrEqual(20);
      // The suite tested exactly the features the sim's GatewayClass advertises.
      const extendedAdvertised = SIM_SUPPORTED_FEATURES.filter(
        (f) => !(gatewayHttpCoreFeatures as readonly string[]).includes(f),
      );
      expect([...(extended.supportedFeatures ?? [])].sort()).toEqual([...extendedAdvertised].sort());
      expect(run.exitCode, run.stderr).toBe(failed.length > 0 ? 1 : 0);

      // JUnit has the upstream tests, and no failure outside the table.
      const junit = parseXml(readFileSync(join(reports, 'junit.xml'), 'utf8'));
      const cases = junit.children.flatMap((s) => s.children);
      expect(cases.map((c) => c.attrs.name)).toContain('TestConformance/HTTPRouteSimpleSameNamespace');
      const failedCases = cases
        .filter((c) => c.children.some((x) => x.name === 'failure'))
        .map((c) => String(c.attrs.name).split('/')[1])
        .filter((t) => t !== undefined);
      expect(failedCases.filter((t) => !listed(gaps, t))).toEqual([]);
    });
  },
);
