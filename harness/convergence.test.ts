import { describe, expect, it, vi } from 'vitest';
import {
  ConvergenceTracker,
  describeConvergence,
  describeFailure,
  failedCheck,
  MAX_ANSWER_KINDS,
} from './convergence.ts';

function tracked(
  required: number,
  steps: ('match' | string)[],
  extra: { wrong?: string[]; unreachable?: string[] } = {},
) {
  const tracker = new ConvergenceTracker('http', 'GET http://127.0.0.1:1/env', required, { via: 'ns/gw/http' });
  for (const step of steps) {
    tracker.attempt();
    if (step === 'match') tracker.match();
    else
      tracker.miss({
        answer: step,
        reason: `got ${step}`,
        wrongBackend: extra.wrong?.includes(step),
        unreachable: extra.unreachable?.includes(step),
      });
  }
  return tracker;
}

describe('ConvergenceTracker', () => {
  it('reports a check that needs one match consistent at the moment it first matched, however the clock ticks', () => {
    // Every clock reading 0.6 ms after the last: two readings for one answer would round apart.
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 0.6));
    try {
      const record = tracked(1, ['503', 'match']).record(true);
      expect(record.firstMatchMs).toBeDefined();
      expect(record.consistentMs).toBe(record.firstMatchMs);
    } finally {
      now.mockRestore();
    }
  });

  it('records attempts, the first match and the N-th in a row of a check that held', () => {
    const record = tracked(3, ['404', 'match', 'match', 'match']).record(true);
    expect(record).toMatchObject({
      kind: 'http',
      target: 'GET http://127.0.0.1:1/env',
      via: 'ns/gw/http',
      required: 3,
      attempts: 4,
      matched: 3,
      outcome: 'converged',
      nonMatching: [{ answer: '404', reason: 'got 404', count: 1 }],
      lastNonMatching: '404',
    });
    expect(record.firstMatchMs).toBeGreaterThanOrEqual(0);
    expect(record.consistentMs).toBeGreaterThanOrEqual(record.firstMatchMs!);
    expect(new Date(record.startedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(describeFailure(record)).toBeUndefined();
    expect(describeConvergence(record)).toMatch(
      /^3 in a row after 4 attempts: first match at \d+\.\d\d s, held at \d+\.\d\d s$/,
    );
  });

  it('classifies a check that matched but never N times in a row as flapped', () => {
    const record = tracked(3, ['match', '503', 'match', 'match', '503'], {}).record(false);
    expect(record.outcome).toBe('matched-but-not-consistent');
    expect(record.consistentMs).toBeUndefined();
    expect(describeFailure(record)).toBe('flapped: 3 of 5 answers matched; last non-matching: 503');
  });

  it('classifies answers from a backend the check does not want as wrong-backend', () => {
    const v1 = '200 from HTTPBIN_ENV_VERSION=v1';
    const record = tracked(3, ['404', v1, v1], { wrong: [v1] }).record(false);
    expect(record.outcome).toBe('wrong-backend');
    expect(record.nonMatching[0]).toMatchObject({ answer: v1, count: 2, wrongBackend: true });
    expect(describeFailure(record)).toBe(`wrong-backend: 0 of 3 answers matched; last non-matching: ${v1}`);
  });

  it('classifies a check that only got connection errors as unreachable, and any answer as never-matched', () => {
    const unreachable = tracked(3, ['ECONNREFUSED', 'ECONNREFUSED'], { unreachable: ['ECONNREFUSED'] }).record(false);
    expect(unreachable.outcome).toBe('unreachable');
    expect(describeFailure(unreachable)).toBe('unreachable: no answer to 2 attempts; last error: ECONNREFUSED');
    const answered = tracked(3, ['ECONNREFUSED', '404', 'ECONNREFUSED'], { unreachable: ['ECONNREFUSED'] }).record(
      false,
    );
    expect(answered.outcome).toBe('never-matched');
    expect(describeFailure(answered)).toBe('never-matched: 0 of 3 answers matched; last non-matching: ECONNREFUSED');
  });

  it('keeps a bounded number of answer kinds, each clipped to one short line, most frequent first', () => {
    const steps = Array.from({ length: MAX_ANSWER_KINDS + 4 }, (_, i) => `answer ${i}`);
    const long = `${'x'.repeat(400)}\nsecond line`;
    const record = tracked(1, [...steps, long, long]).record(false);
    expect(record.nonMatching).toHaveLength(MAX_ANSWER_KINDS);
    expect(record.omittedKinds).toBe(5);
    expect(record.attempts).toBe(steps.length + 2);
    expect(record.lastNonMatching!.length).toBeLessThanOrEqual(160);
    expect(record.lastNonMatching).not.toContain('second line');
  });

  it('names the check that failed a test: the last one that gave up', () => {
    const held = tracked(1, ['match']).record(true);
    const gaveUp = tracked(1, ['404']).record(false);
    expect(failedCheck([held, gaveUp, held])).toBe(gaveUp);
    expect(failedCheck([held])).toBeUndefined();
    expect(failedCheck(undefined)).toBeUndefined();
  });

  it('describes a status wait that held at its first match', () => {
    const tracker = new ConvergenceTracker('status', 'HTTPRoute ns/r: Accepted=True', 1, { subject: 'HTTPRoute ns/r' });
    tracker.attempt();
    tracker.miss({ answer: 'Accepted=False (Pending)' });
    tracker.attempt();
    tracker.match();
    const record = tracker.record(true);
    expect(record).toMatchObject({ kind: 'status', subject: 'HTTPRoute ns/r', attempts: 2, matched: 1 });
    expect(describeConvergence(record)).toMatch(/^matched after 2 answers at \d+\.\d\d s$/);
  });
});
