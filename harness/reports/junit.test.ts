import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderJUnit, writeJUnit } from './junit.ts';
import type { TestRecord } from './results.ts';
import { parseXml, type XmlElement } from './xml-parse.test-helper.ts';
import { checkRecord, wrongBackend } from './check-records.test-helper.ts';

const nasty =
  'expected \u001b[31m"<b>&amp;</b>"\u001b[39m to be \'x\'\u0000\u0007 \uD800 ]]> done\nsecond line\twith tab';

const tests: TestRecord[] = [
  {
    suite: 'gateway',
    title: 'Gateway is Accepted and Programmed at its latest generation',
    id: 'gatewayAccepted',
    state: 'passed',
    durationMs: 1234,
  },
  {
    suite: 'gateway',
    title: 'Gateway has an address in status.addresses',
    id: 'gatewayAddress',
    state: 'failed',
    durationMs: 5,
    error: nasty,
  },
  {
    suite: 'routing',
    title: "responses carry the profile's server header",
    id: 'serverHeader',
    state: 'skipped',
    durationMs: 0,
    skipReason: 'feature "X" <unsupported>',
  },
  {
    suite: 'routing',
    title: 'GET /headers through the Gateway answers 200',
    id: 'routingOk',
    state: 'passed',
    durationMs: 10,
  },
];

const child = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);

describe('renderJUnit', () => {
  it('parses as XML with one testsuite per suite and the right counts', () => {
    const root = parseXml(renderJUnit(tests, { timestamp: '2026-01-02T03:04:05.678Z' }));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '4', failures: '1', skipped: '1', errors: '0' });
    const suites = child(root, 'testsuite');
    expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.skipped])).toEqual([
      ['kindgate.gateway', '2', '1', '0'],
      ['kindgate.routing', '2', '0', '1'],
    ]);
    expect(suites[0].attrs.timestamp).toBe('2026-01-02T03:04:05Z');
    const cases = suites.flatMap((s) => child(s, 'testcase'));
    expect(cases.map((c) => c.attrs.classname)).toEqual([
      'kindgate.gateway',
      'kindgate.gateway',
      'kindgate.routing',
      'kindgate.routing',
    ]);
    expect(cases[0].attrs).toMatchObject({ name: tests[0].title, time: '1.234' });
    expect(cases[0].children).toEqual([]);
  });

  it('keeps failure text readable: no ANSI, no invalid characters, markup escaped', () => {
    const xml = renderJUnit(tests);
    expect(xml).not.toContain('\u001b');
    const failure = child(child(parseXml(xml), 'testsuite')[0], 'testcase')[1].children[0];
    expect(failure.name).toBe('failure');
    expect(failure.attrs.message).toBe('expected "<b>&amp;</b>" to be \'x\'  ]]> done');
    expect(failure.text).toBe('expected "<b>&amp;</b>" to be \'x\'  ]]> done\nsecond line\twith tab');
  });

  it('escapes quotes and markup in skip reasons and titles', () => {
    const root = parseXml(renderJUnit(tests));
    const skippedCase = child(child(root, 'testsuite')[1], 'testcase')[0];
    expect(skippedCase.attrs.name).toBe("responses carry the profile's server header");
    expect(skippedCase.children[0]).toMatchObject({ name: 'skipped', attrs: { message: 'feature "X" <unsupported>' } });
  });

  it('names interrupted tests as skipped with the reason, counted with the skips', () => {
    const interrupted: TestRecord = {
      suite: 'routing',
      title: 'GET /headers through the Gateway answers 200',
      id: 'routingOk',
      state: 'interrupted',
      durationMs: 0,
      skipReason: 'interrupted (SIGINT) before it finished',
    };
    const root = parseXml(renderJUnit([tests[0], interrupted]));
    expect(root.attrs).toMatchObject({ tests: '2', failures: '0', errors: '0', skipped: '1' });
    const routing = child(root, 'testsuite').find((s) => s.attrs.name === 'kindgate.routing')!;
    const [testcase] = child(routing, 'testcase');
    expect(testcase.attrs.name).toBe('GET /headers through the Gateway answers 200');
    expect(child(testcase, 'skipped')[0].attrs.message).toBe('interrupted (SIGINT) before it finished');
  });

  it('reports a setup failure as testcase setup in kindgate.setup', () => {
    const root = parseXml(
      renderJUnit([], { setupFailure: 'Gateway gw/external-gateway: Programmed=False after 180 s' }),
    );
    expect(root.attrs).toMatchObject({ tests: '1', failures: '1' });
    const [suite] = child(root, 'testsuite');
    expect(suite.attrs.name).toBe('kindgate.setup');
    const [testcase] = child(suite, 'testcase');
    expect(testcase.attrs).toMatchObject({ name: 'setup', classname: 'kindgate.setup' });
    expect(testcase.children[0].attrs.message).toContain('Programmed=False after 180 s');
  });
});

describe('renderJUnit with check records', () => {
  const props = (testcase: XmlElement) =>
    Object.fromEntries(child(child(testcase, 'properties')[0], 'property').map((p) => [p.attrs.name, p.attrs.value]));
  const withChecks: TestRecord[] = [
    { suite: 'routing', title: 'GET /headers answers 200', state: 'passed', durationMs: 40, checks: [checkRecord()] },
    {
      suite: 'header-routing',
      title: 'x-version: v2 routes /env to v2',
      state: 'failed',
      durationMs: 30_000,
      error:
        'ProbeTimeoutError: GET http://127.0.0.1:8080/env did not give 3 consecutive matching responses within 30 s',
      checks: [checkRecord({ kind: 'status', target: 'HTTPRoute a/b: Accepted=True', required: 1 }), wrongBackend],
    },
  ];
  const cases = () => child(parseXml(renderJUnit(withChecks)), 'testsuite').flatMap((s) => child(s, 'testcase'));

  it('lists how each check converged as testcase properties', () => {
    const [passed] = cases();
    expect(passed.children.map((c) => c.name)).toEqual(['properties']);
    expect(props(passed)).toEqual({
      'check.1': 'GET http://127.0.0.1:8080/env (Host: httpbin.example.com, x-version: v2)',
      'check.1.outcome': 'converged',
      'check.1.attempts': '4',
      'check.1.matched': '3',
      'check.1.required': '3',
      'check.1.firstMatchMs': '12',
      'check.1.consistentMs': '40',
      'check.1.durationMs': '40',
      'check.1.nonMatching': '404 ×1',
    });
  });

  it('leads the failure text with the classification of the check that gave up', () => {
    const failed = cases()[1];
    expect(failed.children.map((c) => c.name)).toEqual(['properties', 'failure']);
    expect(props(failed)).toMatchObject({
      'check.1': 'HTTPRoute a/b: Accepted=True',
      'check.2.outcome': 'wrong-backend',
      'check.2.attempts': '7',
      'check.2.nonMatching': '200 from HTTPBIN_ENV_VERSION=v1 ×7',
    });
    expect(props(failed)).not.toHaveProperty('check.2.firstMatchMs');
    const [failure] = child(failed, 'failure');
    const classified = 'wrong-backend: 0 of 7 answers matched; last non-matching: 200 from HTTPBIN_ENV_VERSION=v1';
    expect(failure.attrs.message).toBe(classified);
    expect(failure.text).toBe(`${classified}\n\n${withChecks[1].error}`);
  });
});

describe('writeJUnit', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes junit.xml into the (created) report directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kindgate-junit-'));
    const path = await writeJUnit(join(dir, 'nested', 'reports'), tests);
    expect(path).toBe(join(dir, 'nested', 'reports', 'junit.xml'));
    expect(parseXml(await readFile(path, 'utf8')).attrs.tests).toBe('4');
  });
});

describe('parseXml (the test helper) rejects what real consumers reject', () => {
  it.each([
    ['<a><b></a>', 'mismatched'],
    ['<a x="1" x="2"/>', 'duplicate'],
    ['<a>1 & 2</a>', 'stray'],
    ['<a x="<"/>', '<'],
    ['<a>\u0001</a>', 'invalid'],
    ['<a/><b/>', 'after the root'],
  ])('%s', (xml, why) => {
    expect(() => parseXml(xml)).toThrow(why);
  });
});
