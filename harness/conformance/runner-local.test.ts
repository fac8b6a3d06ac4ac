import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log.ts';
import { GoTestOutput } from './go-test-output.ts';
import { planLocalRunner, startLocalRunner, type LocalRunnerPlan } from './runner-local.ts';
import { TEST_BINARY } from './test-binary.ts';
import { moduleSourceDir, planWorkspace } from './workspace.ts';

/**
 * The local runner with a stand-in `go`: `go env -json` answers with $FAKE_GOVERSION, and
 * `go test -c -o OUT` writes OUT as a script that prints what a test binary run with `-test.v`
 * prints, plus its working directory and arguments. Every call is recorded.
 */
const FAKE_GO = `#!/bin/sh
echo "$*" >> "$FAKE_GO_CALLS"
case "$1" in
env) printf '{"GOVERSION":"%s","GOOS":"linux","GOARCH":"amd64"}\\n' "$FAKE_GOVERSION" ;;
test)
  out=""
  while [ $# -gt 0 ]; do [ "$1" = "-o" ] && out="$2"; shift; done
  if [ -n "$FAKE_GO_FAIL" ]; then echo "go: $FAKE_GO_FAIL" >&2; exit 1; fi
  if [ -n "$FAKE_GO_SLEEP" ]; then exec sleep "$FAKE_GO_SLEEP"; fi
  printf '#!/bin/sh\\necho "=== RUN   TestConformance"\\necho "    cwd $(pwd)"\\necho "    args $*"\\necho "--- PASS: TestConformance (0.00s)"\\necho PASS\\n' > "$out"
  chmod +x "$out" ;;
esac
`;

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'kg-local-runner-'));
  const fakeGo = join(root, 'go');
  writeFileSync(fakeGo, FAKE_GO);
  chmodSync(fakeGo, 0o755);
  const workspace = planWorkspace(join(root, 'cache'), undefined);
  cpSync(moduleSourceDir, workspace.moduleDir, { recursive: true });
  const calls = join(root, 'calls');
  writeFileSync(calls, '');
  const plan = planLocalRunner({
    workspace,
    kubeconfig: join(root, 'kubeconfig'),
    flags: (report) => ['--gateway-class=istio', `--report-output=${report}`],
    timeoutMs: 3 * 3600_000,
    cacheDir: join(root, 'cache'),
    stagingDir: join(root, 'staging'),
  });
  /** The plan with the stand-in go and its settings. */
  const fake = (env: Record<string, string> = {}): LocalRunnerPlan => {
    const fakeEnv = { FAKE_GO_CALLS: calls, FAKE_GOVERSION: 'go1.26.8', ...env };
    return {
      ...plan,
      goEnv: { ...plan.goEnv, file: fakeGo, env: { ...plan.goEnv.env, ...fakeEnv } },
      build: { ...plan.build, file: fakeGo, env: { ...plan.build.env, ...fakeEnv } },
    };
  };
  const start = async (env?: Record<string, string>) => {
    const logFile = join(root, `go-test-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(logFile, '');
    const log = createMemoryLogger();
    const lines: string[] = [];
    const output = new GoTestOutput();
    const runner = startLocalRunner(fake(env), 'v1.6.1', {
      logFile,
      log,
      onLine: (line) => (lines.push(line), output.feed(line)),
    });
    return { runner, log, lines, output, logFile };
  };
  const callsSoFar = () => readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean);
  return { workspace, plan, start, callsSoFar, binDir: plan.binDir };
}

describe('--runner local: the test binary built once, then run directly', () => {
  it('the first run builds it into the cache (go test -c), later runs reuse it without go test', async () => {
    const { start, callsSoFar, binDir, workspace } = setup();
    const first = await start();
    expect(await first.runner.done).toEqual({ exitCode: 0 });
    const builds = callsSoFar().filter((c) => c.startsWith('test '));
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatch(
      new RegExp(
        `^test -C ${workspace.moduleDir} -c -o ${binDir}/\\.build-[0-9a-f]+/${TEST_BINARY} -ldflags=-s -w \\.$`,
      ),
    );
    expect(first.log.lines.some((l) => l.startsWith(`✓ upstream suite test binary built: ${binDir}/`))).toBe(true);
    // The binary ran in the module directory, as go test runs it, with the flags go test -v gives it.
    expect(first.lines).toContain(`    cwd ${workspace.moduleDir}`);
    const args = first.lines.find((l) => l.startsWith('    args '))!;
    expect(args).toMatch(
      /^ {4}args -test\.paniconexit0 -test\.v=true -test\.count=1 -test\.timeout=3h0m0s -test\.run=\^TestConformance\$ --gateway-class=istio --report-output=.*\/staging\/report\.yaml$/,
    );
    expect(first.output.records().map((r) => [r.title, r.state])).toEqual([['TestConformance', 'passed']]);
    // The log: the build's command line, then the run's.
    const log = readFileSync(first.logFile, 'utf8').split('\n');
    expect(log[0]).toMatch(
      /^# kindgate: \$ \S+\/go test -C \S+ -c -o \S+\/\.build-[0-9a-f]+\/conformance\.test '-ldflags=-s -w' \.$/,
    );
    expect(log[1]).toMatch(
      new RegExp(`^# kindgate: \\$ ${binDir}/[0-9a-f]{20}/conformance\\.test -test\\.paniconexit0 `),
    );
    expect(readdirSync(binDir)).toHaveLength(1);

    const second = await start();
    expect(await second.runner.done).toEqual({ exitCode: 0 });
    expect(callsSoFar().filter((c) => c.startsWith('test '))).toHaveLength(1);
    expect(second.log.lines.find((l) => l.includes('test binary reused'))).toMatch(
      new RegExp(
        `^✓ upstream suite test binary reused: ${binDir}/[0-9a-f]{20}/conformance\\.test \\(go1\\.26\\.8 linux/amd64, same go\\.sum, built `,
      ),
    );
    expect(second.lines).toContain('=== RUN   TestConformance');
    expect(readFileSync(second.logFile, 'utf8')).toMatch(/^# kindgate: upstream suite test binary reused: /);
  });

  it('builds anew after a Go upgrade, a go.sum change or damage to the kept binary', async () => {
    const { start, callsSoFar, binDir, workspace } = setup();
    const builds = () => callsSoFar().filter((c) => c.startsWith('test ')).length;
    await (
      await start()
    ).runner.done;
    await (
      await start({ FAKE_GOVERSION: 'go1.27.0' })
    ).runner.done;
    expect(builds()).toBe(2);
    expect(readdirSync(binDir)).toHaveLength(1); // the go1.26.8 binary is gone
    appendFileSync(join(workspace.moduleDir, 'go.sum'), 'example.com/m v1.0.0 h1:AAAA=\n');
    await (
      await start({ FAKE_GOVERSION: 'go1.27.0' })
    ).runner.done;
    expect(builds()).toBe(3);
    const [dir] = readdirSync(binDir);
    appendFileSync(join(binDir, dir, TEST_BINARY), '\n# changed\n');
    const rerun = await start({ FAKE_GOVERSION: 'go1.27.0' });
    expect(await rerun.runner.done).toEqual({ exitCode: 0 });
    expect(builds()).toBe(4);
    await (
      await start({ FAKE_GOVERSION: 'go1.27.0' })
    ).runner.done;
    expect(builds()).toBe(4);
  });

  it('a failed build: its exit code and output (before any test), nothing kept', async () => {
    const { start, binDir } = setup();
    const run = await start({ FAKE_GO_FAIL: 'module lookup disabled by GOPROXY=off' });
    expect(await run.runner.done).toEqual({ exitCode: 1 });
    expect(run.output.started).toBe(false);
    expect(run.output.preamble).toContain('go: module lookup disabled by GOPROXY=off');
    expect(run.log.lines.some((l) => l.startsWith('✗ upstream suite test binary built: '))).toBe(true);
    expect(readdirSync(binDir)).toEqual([]);
  });

  it('stopped while building: the build is killed, its directory removed, no binary runs', async () => {
    const { start, binDir } = setup();
    const run = await start({ FAKE_GO_SLEEP: '30' });
    const building = () => existsSync(binDir) && readdirSync(binDir).some((n) => n.startsWith('.build-'));
    while (!building()) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await run.runner.stop();
    expect(performance.now() - t0).toBeLessThan(5000);
    expect((await run.runner.done).exitCode).not.toBe(0);
    expect(run.output.started).toBe(false);
    expect(existsSync(binDir) ? readdirSync(binDir) : []).toEqual([]);
  });
});
