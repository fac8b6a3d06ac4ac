import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../exec.ts';
import { parseXml } from '../reports/xml-parse.test-helper.ts';
import { kindgateBin } from '../package-paths.ts';
import { isStartUpCache, linkStartUpCaches } from '../cli/start-up-caches.test-helper.ts';
import { learnGoProxy } from './go-proxy.ts';
import { SIMULATED_WARNING } from './report-files.ts';
import { planWorkspace } from './workspace.ts';
import { goForTier, goTiersCacheDir } from './go-tiers.test-helper.ts';

/**
 * The go tier: `kindgate conformance --runner local` for real. The pinned upstream suite is built
 * from its Go module with the `go` on PATH and one upstream test runs against a cluster kindgate
 * starts (the sim). The Go caches live in a cache directory of their own, kept across runs: the
 * first build downloads the modules and compiles for minutes, later ones take seconds.
 */
const { version: goVersion = '', skipReason } = await goForTier('go');

const cacheDir = goTiersCacheDir;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(Boolean(skipReason))(
  `upstream suite with go on PATH${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
  () => {
    it('builds the pinned suite and runs one upstream test against a cluster kindgate starts; its output becomes JUnit', async () => {
      const reports = mkdtempSync(join(tmpdir(), 'kg-go-reports-'));
      // The child's own temporary directory: whatever the run stages there must be gone at the end.
      const tmp = mkdtempSync(join(tmpdir(), 'kg-go-tmp-'));
      linkStartUpCaches(tmp);
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
      // The suite was built (now or by an earlier run) and started; if not (the Go module proxy
      // unreachable, say), the failure shows kindgate's own words.
      expect(existsSync(join(reports, 'go-test.log')), run.stderr).toBe(true);
      expect(run.stderr).toMatch(/✓ upstream suite test binary (built|reused): /);
      expect(run.stderr).toContain('✓ upstream suite started');
      const goProxy = await learnGoProxy(process.env, runCommand);
      const workspace = planWorkspace(cacheDir, goProxy);

      // With a proxy this machine's Go uses, the sources came from the verified archives (sha256 as
      // pinned); otherwise Go fetched them itself and checked them against go.sum.
      if (workspace.sources.kind === 'host') {
        for (const archive of workspace.archives) expect(sha256(archive.cachePath)).toBe(archive.sha256);
      } else {
        expect(run.stderr).toContain("the runner's Go fetches the upstream suite v1.6.1 itself");
      }

      // The log is the test binary's `go test -v` output, headed by the exact command lines: the
      // build when this run made the binary, else which kept binary it reused, then the run.
      const log = readFileSync(join(reports, 'go-test.log'), 'utf8');
      const binDir = join(workspace.dir, 'bin');
      const [first, header] = log.split('\n');
      expect(first).toMatch(
        new RegExp(
          `^# kindgate: (\\$ go test -C ${workspace.moduleDir} -c -o ${binDir}/\\.build-[0-9a-f]+/conformance\\.test '-ldflags=-s -w' \\.|` +
            `upstream suite test binary reused: ${binDir}/[0-9a-f]{20}/conformance\\.test \\(${goVersion} )`,
        ),
      );
      expect(header).toMatch(
        new RegExp(
          `^# kindgate: \\$ ${binDir}/[0-9a-f]{20}/conformance\\.test -test\\.paniconexit0 -test\\.v=true -test\\.count=1 ` +
            `-test\\.timeout=3h0m0s '-test\\.run=\\^TestConformance\\$' --gateway-class=istio `,
        ),
      );
      expect(header).toContain('--run-test=HTTPRouteSimpleSameNamespace');
      expect(log).toContain('=== RUN   TestConformance\n');
      // The binary kept for the next run: built by this Go, whole (its sha256 as recorded).
      const [kept] = readdirSync(binDir);
      const manifest = JSON.parse(readFileSync(join(binDir, kept, 'build.json'), 'utf8'));
      expect(manifest.inputs.go.GOVERSION).toBe(goVersion);
      expect(sha256(join(binDir, kept, 'conformance.test'))).toBe(manifest.sha256);
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
      // The sim passes this upstream test (the conformance tier holds it to the whole suite).
      expect(failed.map((c) => c.attrs.name)).toEqual([]);
      expect(names).toContain('TestConformance/HTTPRouteSimpleSameNamespace');
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).toContain('✓ upstream suite started');
      expect(run.stderr).toContain('✓ teardown done');
      expect(run.stderr).toContain(SIMULATED_WARNING);
      expect(readFileSync(join(reports, 'README.md'), 'utf8')).toContain(`> **${SIMULATED_WARNING}**`);

      // Nothing left behind: no staging directory, no simulated cluster's kubeconfig.
      expect(readdirSync(tmp).filter((n) => n.startsWith('kindgate-') && !isStartUpCache(n))).toEqual([]);
    });

    it('Ctrl-C during the suite: the binary stops, the tests it got to are interrupted, teardown, exit 130, nothing left', async () => {
      const reports = mkdtempSync(join(tmpdir(), 'kg-go-interrupt-'));
      const tmp = mkdtempSync(join(tmpdir(), 'kg-go-interrupt-tmp-'));
      linkStartUpCaches(tmp);
      const run = execa(
        'node',
        [kindgateBin, 'conformance', '--provider', 'sim', '--report-dir', reports, '--cache-dir', cacheDir],
        { reject: false, env: { NO_COLOR: '1', TMPDIR: tmp }, timeout: 19 * 60_000 },
      );
      // Once the whole suite's first test runs: its set-up is done, its tests under way (Go prints
      // the sub-tests' results when TestConformance ends).
      const log = join(reports, 'go-test.log');
      const firstTest = () => existsSync(log) && /^=== RUN {3}(TestConformance\/\S+)$/m.exec(readFileSync(log, 'utf8'));
      while (!firstTest() && run.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const first = (firstTest() || [])[1];
      run.kill('SIGINT');
      const result = await run;

      expect(result.exitCode, result.stderr).toBe(130);
      expect(result.stderr).toContain('! SIGINT received: tearing down');
      expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(/^✓ teardown done \(/);
      // The reports say what finished and that the rest did not: no upstream report was written.
      const junit = parseXml(readFileSync(join(reports, 'junit.xml'), 'utf8'));
      const cases = junit.children.flatMap((s) => s.children);
      for (const name of ['TestConformance', first])
        expect(cases.find((c) => c.attrs.name === name)?.children, name).toEqual([
          expect.objectContaining({ name: 'skipped', attrs: { message: 'interrupted (SIGINT) before it finished' } }),
        ]);
      expect(readdirSync(reports).filter((f) => f.endsWith('-report.yaml'))).toEqual([]);
      expect(readFileSync(join(reports, 'README.md'), 'utf8')).toContain(
        'No upstream report was written: interrupted (SIGINT) before it finished.',
      );
      expect(result.stderr).toContain('No upstream report: interrupted (SIGINT) before it finished.');
      // Nothing left: no staging directory or Go work directory, and no process (the suite's binary
      // was given the staging directory, inside $TMPDIR, for its report).
      expect(
        readdirSync(tmp).filter((n) => (n.startsWith('kindgate-') && !isStartUpCache(n)) || n.startsWith('go-build')),
      ).toEqual([]);
      const running = readdirSync('/proc')
        .filter((pid) => /^\d+$/.test(pid))
        .map((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
          } catch {
            return '';
          }
        })
        .filter((cmdline) => cmdline.includes(tmp) || cmdline.includes(reports));
      expect(running).toEqual([]);
    });
  },
);
