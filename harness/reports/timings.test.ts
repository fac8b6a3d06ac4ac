import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import type { PhaseTiming } from '../timings.ts';
import { checkRecord, wrongBackend } from './check-records.test-helper.ts';
import type { TestRecord } from './results.ts';
import {
  formatComparison,
  readTimings,
  slowerPhases,
  slowestPhases,
  suitePhases,
  timingEntries,
  writeTimings,
  type TimingEntry,
} from './timings.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const phase = (name: string, durationMs: number, s = 0): PhaseTiming => ({ phase: name, startedAt: at(s), durationMs });

const routeWait = checkRecord({
  kind: 'status',
  target: 'HTTPRoute apps/httpbin-route: Accepted=True and ResolvedRefs=True',
  subject: 'HTTPRoute apps/httpbin-route',
  startedAt: at(5),
  required: 1,
  attempts: 2,
  matched: 1,
  firstMatchMs: 30,
  consistentMs: 30,
});
const tests: TestRecord[] = [
  { suite: 'httproute', title: 'HTTPRoute is Accepted', state: 'passed', durationMs: 40, checks: [routeWait] },
  {
    suite: 'header-routing',
    title: 'x-version: v2 routes /env to v2',
    state: 'failed',
    durationMs: 30_000,
    checks: [{ ...wrongBackend, startedAt: at(7), via: 'apps-gateway/external-gateway/http' }],
  },
  {
    suite: 'routing',
    title: 'GET /headers answers 200',
    state: 'passed',
    durationMs: 40,
    checks: [checkRecord({ startedAt: at(9), via: 'apps-gateway/external-gateway/http' })],
  },
  { suite: 'gateway', title: 'no checks', state: 'passed', durationMs: 1 },
];

describe('timings.json', () => {
  it('lists the phases and every check in start order, a check with its test and whole record', async () => {
    const entries = timingEntries([phase('suites', 31_000, 4), phase('start-up', 900, 0)], tests);
    expect(entries.map((e) => e.phase)).toEqual(['start-up', 'suites', 'check', 'check', 'check']);
    expect(entries[3]).toMatchObject({
      phase: 'check',
      startedAt: at(7),
      durationMs: 30_000,
      failed: true,
      test: 'header-routing › x-version: v2 routes /env to v2',
      check: { outcome: 'wrong-backend', attempts: 7 },
      detail: expect.stringMatching(
        /: wrong-backend: 0 of 7 answers matched; last non-matching: 200 from HTTPBIN_ENV_VERSION=v1$/,
      ),
    });
    expect(entries[2].detail).toMatch(/^HTTPRoute apps\/httpbin-route: .*: matched after 2 answers at 0\.03 s$/);
    const dir = await mkdtemp(join(tmpdir(), 'kg-timings-'));
    const path = await writeTimings(dir, entries);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(entries);
    expect((await readTimings(dir)).entries).toEqual(entries);
  });

  it('derives each fixture route Accepted and the first request through each listener from the checks', () => {
    const phases = suitePhases(tests, [
      { subject: 'HTTPRoute apps/httpbin-route', name: 'httpbin-route' },
      { subject: 'HTTPRoute apps/never-checked', name: 'never-checked' },
    ]);
    expect(phases).toEqual([
      { phase: 'HTTPRoute httpbin-route Accepted', startedAt: at(5), durationMs: 30, detail: routeWait.target },
      {
        // The earliest check through the listener never matched: the phase failed, and says why.
        phase: 'first request through external-gateway/http',
        startedAt: at(7),
        durationMs: 30_000,
        detail: expect.stringMatching(/x-version: v2\): wrong-backend: 0 of 7 answers matched/),
        failed: true,
      },
    ]);
  });

  it('shows the three slowest phases, checks left out', () => {
    const entries = timingEntries([phase('a', 10), phase('b', 300), phase('c', 20), phase('d', 200)], tests);
    expect(slowestPhases(entries).map((p) => p.phase)).toEqual(['b', 'd', 'c']);
  });
});

describe('--compare', () => {
  const before: TimingEntry[] = [
    phase('cluster created', 30_000),
    phase('backends Available', 1_000),
    phase('suites', 10_000),
    phase('Gateway external-gateway Programmed with an address', 3_000),
    phase('Gateway external-gateway Programmed with an address', 3_000),
  ];

  it('names the phases more than 50 % and 2 s slower, biggest change first; repeated names compare in order', () => {
    const now: TimingEntry[] = [
      phase('cluster created', 44_000), // +47 %: not more than 50 %
      phase('backends Available', 2_900), // +190 % but only 1.9 s
      phase('suites', 16_000), // +60 %, +6 s
      phase('Gateway external-gateway Programmed with an address', 3_100),
      phase('Gateway external-gateway Programmed with an address', 10_000), // the second one got slower
      phase('teardown', 60_000), // not in the earlier run
    ];
    const slower = slowerPhases(before, now);
    expect(slower).toEqual([
      { phase: 'Gateway external-gateway Programmed with an address #2', beforeMs: 3_000, nowMs: 10_000 },
      { phase: 'suites', beforeMs: 10_000, nowMs: 16_000 },
    ]);
    expect(formatComparison(slower, 'reports/timings.json')).toBe(
      [
        'Slower than in reports/timings.json (more than 50 % and 2 s):',
        '  Gateway external-gateway Programmed with an address #2  3.0 s → 10.0 s (+7.0 s +233 %)',
        '  suites                                                  10.0 s → 16.0 s (+6.0 s +60 %)',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing got slower', () => {
    expect(slowerPhases(before, before)).toEqual([]);
    expect(formatComparison([], 'reports/timings.json')).toBe(
      'No phase got more than 50 % and 2 s slower than in reports/timings.json.\n',
    );
  });

  it('refuses a directory without timings.json, or a file that is not one, with one sentence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kg-compare-'));
    await expect(readTimings(dir)).rejects.toThrow(UsageError);
    await expect(readTimings(dir)).rejects.toThrow(`--compare: ${join(dir, 'timings.json')} does not exist;`);
    await writeFile(join(dir, 'timings.json'), '{"phase": "x"}');
    await expect(readTimings(dir)).rejects.toThrow(/is not a kindgate timings file \(not a list\)/);
    await writeFile(join(dir, 'timings.json'), '[{"phase": "x", "durationMs": 1}, {"name": "y"}]');
    await expect(readTimings(dir)).rejects.toThrow(/\(entry 2 has no phase and durationMs\)/);
    await writeFile(join(dir, 'timings.json'), '[{');
    await expect(readTimings(dir)).rejects.toThrow(/is not a kindgate timings file \(not JSON: /);
  });
});
