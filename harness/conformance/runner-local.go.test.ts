import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../exec.ts';
import { createMemoryLogger } from '../log.ts';
import { parseXml } from '../reports/xml-parse.test-helper.ts';
import { kindgateBin } from '../package-paths.ts';
import { learnGoProxy } from './go-proxy.ts';
import { checkGo } from './go-toolchain.ts';
import { SIMULATED_WARNING } from './report-files.ts';
import { planWorkspace } from './workspace.ts';

/**
 * The go tier: `kindgate conformance --runner local` for real. The pinned upstream suite is built
 * from its Go module with the `go` on PATH and one upstream test runs against a cluster kindgate
 * starts (the sim). The Go caches live in a cache directory of their own, kept across runs: the
 * first build downloads the modules and compiles for minutes, later ones take seconds.
 */
const skipReason = await checkGo(runCommand, createMemoryLogger()).then(
  () => undefined,
  (error: Error) => error.message,
);
if (skipReason) console.warn(`\n!!! kindgate go test tier SKIPPED: ${skipReason} These tests did not run.\n`);

const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kindgate-test');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(Boolean(skipReason))(
  `upstream suite with go on PATH${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    it('builds the pinned suite and runs one upstream test against a cluster kindgate starts; its output becomes JUnit', async () => {
      const reports = mkdtempSync(join(tmpdir(), 'kg-go-reports-'));
      // The child's own temporary directory: whatever the run stages there must be gone at the end.
      const tmp = mkdtempSync(join(tmpdir(), 'kg-go-tmp-'));
      const run = await execa(
        'node',
        [
          kindgateBin,
          'conformance',
          '--provider',
          'sim',
          '--run-test',
          'HTTPRouteSimpleSameNamespace',
          '--report-dir',
          reports,
          '--cache-dir',
          cacheDir,
        ],
        { reject: false, env: { NO_COLOR: '1', TMPDIR: tmp }, timeout: 19 * 60_000 },
      );
      // The suite was built and started; if not (the Go module proxy unreachable, say), the failure
      // shows kindgate's own words.
      expect(existsSync(join(reports, 'go-test.log')), run.stderr).toBe(true);
      expect(run.stderr).toContain('upstream suite built and started');
      const goProxy = await learnGoProxy(process.env, runCommand);
      const workspace = planWorkspace(cacheDir, goProxy);

      // With a proxy this machine's Go uses, the sources came from the verified archives (sha256 as
      // pinned); otherwise Go fetched them itself and checked them against go.sum.
      if (workspace.sources.kind === 'host') {
        for (const archive of workspace.archives) expect(sha256(archive.cachePath)).toBe(archive.sha256);
      } else {
        expect(run.stderr).toContain("the runner's Go fetches the upstream suite v1.6.1 itself");
      }

      // The log is the go test output, headed by the exact command line.
      const log = readFileSync(join(reports, 'go-test.log'), 'utf8');
      const [header] = log.split('\n');
      expect(header).toMatch(
        new RegExp(
          `^# kindgate: \\$ go test -C ${workspace.moduleDir} -v -count=1 -timeout=3h0m0s -run '\\^TestConformance\\$' \\. -args --gateway-class=istio `,
        ),
      );
      expect(header).toContain('--run-test=HTTPRouteSimpleSameNamespace');
      expect(log).toContain('=== RUN   TestConformance\n');
      // The suite read kindgate's flags.
      expect(log).toContain('GatewayClass: istio');
      expect(log).toContain('Supported Features: [Gateway HTTPRoute ReferenceGrant');

      // JUnit: the upstream test names, and an exit code that agrees with them.
      const junit = parseXml(readFileSync(join(reports, 'junit.xml'), 'utf8'));
      const cases = junit.children.flatMap((s) => s.children);
      const names = cases.map((c) => c.attrs.name);
      expect(names).toContain('TestConformance');
      expect(cases.every((c) => c.attrs.classname === 'kindgate.upstream')).toBe(true);
      const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
      // Against the sim the suite stops in its setup today (a separate issue holds the sim against
      // the upstream suite); once it gets further, the test it ran must be there too.
      if (failed.length === 0) expect(names).toContain('TestConformance/HTTPRouteSimpleSameNamespace');
      expect(run.exitCode, run.stderr).toBe(failed.length > 0 ? 1 : 0);
      expect(run.stderr).toContain('upstream suite built and started');
      expect(run.stderr).toContain(SIMULATED_WARNING);
      expect(readFileSync(join(reports, 'README.md'), 'utf8')).toContain(`> **${SIMULATED_WARNING}**`);

      // Nothing left behind: no staging directory, no simulated cluster's kubeconfig.
      expect(readdirSync(tmp).filter((n) => n.startsWith('kindgate-'))).toEqual([]);
    });
  },
);
