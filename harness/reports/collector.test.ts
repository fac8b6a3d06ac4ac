import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultCollector } from './collector.ts';
import type { TestRecord } from './results.ts';

// A real vitest run over small suite files (one per case the collector must handle), so the test
// exercises vitest 4's reporter API as it is, not a hand-made imitation of it. Cases carry their
// metadata as defineCase (suites/case.ts) attaches it: { meta: { kindgateCase } }.
const files: Record<string, string> = {
  'suites/routing.test.ts': `
import { describe, expect, it } from 'vitest';
const meta = (id, title) => ({ meta: { kindgateCase: { id, title } } });
describe('routing', () => {
  it('GET /headers through the Gateway answers 200', meta('routingOk', 'GET /headers through the Gateway answers 200'), () => {});
  it("responses carry the profile's server header", meta('serverHeader', "responses carry the profile's server header"), () => { expect('\\u001b[31mistio-envoy\\u001b[39m').toBe('envoy'); });
});
it.skip('skipped in the file', () => {});
it('skipped at run time', (ctx) => { ctx.skip('feature HTTPRouteRequestMirror is not supported'); });
`,
  'suites/header-routing.test.ts': `
import { beforeAll, describe, it } from 'vitest';
describe('needs a backend', () => {
  beforeAll(() => { throw new Error('backend httpbin-v2 never became Available'); });
  it('x-version: v2 routes /env to v2', { meta: { kindgateCase: { id: 'headerV2', title: 'x-version: v2 routes /env to v2' } } }, () => {});
});
it('without x-version /env is served by v1', () => {});
`,
  'suites/gateway-status.test.ts': `
import { describe, it } from 'vitest';
describe('gateway', () => {
  for (const gw of ['ns/a', 'ns/b']) {
    describe('Gateway ' + gw, () => {
      it('Gateway has an address in status.addresses', { meta: { kindgateCase: { id: 'gatewayAddress', title: 'Gateway has an address in status.addresses' } } }, () => {});
    });
  }
  describe('Gateway ns/a', () => {
    const title = 'listener https is Accepted, Programmed and ResolvedRefs with the attached routes counted';
    it(title, { meta: { kindgateCase: { id: 'listenerReady', title } } }, () => {});
  });
});
`,
  'suites/httproute-status.test.ts': `
import { it, TestRunner } from 'vitest';
it('HTTPRoute is Accepted', async () => {
  const test = TestRunner.getCurrentTest();
  await new Promise((r) => setTimeout(r, 5));
  (test.meta.kindgateChecks ??= []).push({ kind: 'status', target: 'HTTPRoute ns/r: Accepted=True', attempts: 2, outcome: 'never-matched' });
  throw new Error('HTTPRoute ns/r: Accepted=False (NotAllowedByListeners) after 60 s');
});
`,
  'suites/broken.test.ts': `
import './missing-helper.ts';
import { it } from 'vitest';
it('never collected', () => {});
`,
};

const projectNodeModules = fileURLToPath(new URL('../../node_modules', import.meta.url));

describe('ResultCollector in a real vitest run', () => {
  let root: string;
  let results: readonly TestRecord[] = [];
  /** What interruptedResults gave while the run was still going (right after routingOk finished). */
  let midRun: TestRecord[] = [];
  const expected = [
    { suite: 'routing', title: 'GET /headers through the Gateway answers 200', id: 'routingOk' },
    { suite: 'troubleshooting', title: 'a case that never ran', id: 'neverRan' },
  ];
  const find = (title: string) => results.find((r) => r.title === title);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kindgate-collector-'));
    await symlink(projectNodeModules, join(root, 'node_modules'), 'dir');
    await mkdir(join(root, 'suites'));
    for (const [file, text] of Object.entries(files)) await writeFile(join(root, file), text);
    const { startVitest } = await import('vitest/node');
    const collector = new ResultCollector();
    const interruptWhenRoutingOkFinished = {
      onTestCaseResult(test: { name: string }) {
        if (test.name === expected[0].title) midRun = collector.interruptedResults(expected, 'interrupted by SIGINT');
      },
    };
    const exitCode = process.exitCode;
    const vitest = await startVitest(
      'test',
      [],
      {
        root,
        config: false,
        watch: false,
        include: ['suites/**/*.test.ts'],
        reporters: [collector, interruptWhenRoutingOkFinished],
      } as never,
      { logLevel: 'silent' },
    );
    await vitest.close();
    // startVitest marks the process failed when the inner run fails; that is not our outcome.
    process.exitCode = exitCode;
    expect(collector.finished).toBe(true);
    results = collector.results;
  }, 60_000);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('records a passing catalogued test with its suite, catalog title and id', () => {
    expect(find('GET /headers through the Gateway answers 200')).toMatchObject({
      suite: 'routing',
      id: 'routingOk',
      file: 'suites/routing.test.ts',
      state: 'passed',
    });
  });

  it('records a failure with its message, without ANSI codes', () => {
    const failed = find("responses carry the profile's server header");
    expect(failed).toMatchObject({ suite: 'routing', id: 'serverHeader', state: 'failed' });
    expect(failed?.error).toContain("expected '");
    expect(failed?.error).toContain('Expected: "envoy"');
    expect(failed?.error).not.toMatch(/\u001b\[/);
  });

  it('records skips with their reasons', () => {
    expect(find('skipped in the file')).toMatchObject({ state: 'skipped', skipReason: 'skipped in the suite' });
    expect(find('skipped at run time')).toMatchObject({
      state: 'skipped',
      skipReason: 'feature HTTPRouteRequestMirror is not supported',
    });
  });

  it('records a failing beforeAll as a failure, and its tests as not run', () => {
    expect(find('needs a backend (hook failed)')).toMatchObject({
      suite: 'header-routing',
      state: 'failed',
      error: 'backend httpbin-v2 never became Available',
    });
    expect(find('x-version: v2 routes /env to v2')).toMatchObject({
      id: 'headerV2',
      state: 'skipped',
      skipReason: 'not run: a hook of its suite failed',
    });
  });

  it('records a file that failed to load as a failure', () => {
    const broken = results.find((r) => r.file === 'suites/broken.test.ts');
    expect(broken).toMatchObject({ suite: 'broken', state: 'failed' });
    expect(broken?.error).toContain('missing-helper.ts');
  });

  it('names repeated tests by their describe path, and matches parameterised catalog titles', () => {
    const gateway = results.filter((r) => r.suite === 'gateway');
    expect(gateway.map((r) => [r.title, r.id])).toEqual([
      ['Gateway has an address in status.addresses (Gateway ns/a)', 'gatewayAddress'],
      ['Gateway has an address in status.addresses (Gateway ns/b)', 'gatewayAddress'],
      ['listener https is Accepted, Programmed and ResolvedRefs with the attached routes counted', 'listenerReady'],
    ]);
  });

  it('keeps a single catalogued test under its plain title, with its describe path beside it', () => {
    expect(find('x-version: v2 routes /env to v2')).toMatchObject({ context: 'needs a backend' });
  });

  it('takes ids from the case metadata only: a catalogued title without it gets none', () => {
    const plain = find('without x-version /env is served by v1');
    expect(plain).toMatchObject({ suite: 'header-routing', state: 'passed' });
    expect(plain).not.toHaveProperty('id');
  });

  it('carries the check records a test made in its worker (task meta) to its record', () => {
    expect(find('HTTPRoute is Accepted')).toMatchObject({
      suite: 'httproute',
      state: 'failed',
      checks: [{ kind: 'status', target: 'HTTPRoute ns/r: Accepted=True', attempts: 2, outcome: 'never-matched' }],
    });
    expect(find('GET /headers through the Gateway answers 200')).not.toHaveProperty('checks');
  });

  it('interrupted mid-run: the tests that finished as they ended, every expected test not yet seen as interrupted', () => {
    expect(midRun.find((r) => r.id === 'routingOk')).toMatchObject({ suite: 'routing', state: 'passed' });
    expect(midRun.find((r) => r.id === 'neverRan')).toEqual({
      suite: 'troubleshooting',
      title: 'a case that never ran',
      id: 'neverRan',
      state: 'interrupted',
      durationMs: 0,
      skipReason: 'interrupted by SIGINT',
    });
    expect(midRun.filter((r) => r.id === 'routingOk')).toHaveLength(1);
  });

  it('interrupted before any test finished (vitest still loading): every expected test is interrupted', () => {
    const loading = new ResultCollector();
    expect(loading.interruptedResults(expected, 'why')).toMatchObject([
      { id: 'routingOk', state: 'interrupted' },
      { id: 'neverRan', state: 'interrupted' },
    ]);
  });

  it('has nothing else', () => {
    expect(results).toHaveLength(12);
  });
});
