import { describe, expect, it } from 'vitest';
import { expectEventually, ProbeTimeoutError } from './consistency.ts';
import { expectJsonPath, expectStatus, fromBackends } from './checks.ts';
import { httpbinBackend } from './backend.ts';
import { describeFailure, type CheckRecord } from '../convergence.ts';
import { makeResponse, type ProbeRequest, type ProbeResponse } from './http.ts';

const req: ProbeRequest = { endpoint: { host: '127.0.0.1', port: 1 }, path: '/' };

/** A transport answering the given statuses in turn (the last one forever), noting when each request was sent. */
function scripted(statuses: number[]) {
  const sentAt: number[] = [];
  const send = async (): Promise<ProbeResponse> => {
    sentAt.push(performance.now());
    return makeResponse(statuses[Math.min(sentAt.length - 1, statuses.length - 1)], {}, '');
  };
  const gaps = () => sentAt.slice(1).map((t, i) => t - sentAt[i]);
  return { send, sentAt, gaps };
}

describe('expectEventually backoff', () => {
  it('waits after each mismatch, doubling up to the cap, and sends the next request at once after a match', async () => {
    const transport = scripted([500, 500, 500, 200]);
    await expectEventually(req, expectStatus(200), {
      send: transport.send,
      timeoutMs: 5_000,
      initialBackoffMs: 30,
      maxBackoffMs: 40,
    });
    expect(transport.sentAt).toHaveLength(6);
    const [first, second, third, ...streak] = transport.gaps();
    expect(first).toBeGreaterThanOrEqual(28);
    expect(second).toBeGreaterThanOrEqual(38);
    expect(third).toBeGreaterThanOrEqual(38);
    // Capped: 30 + 40 + 40, not 30 + 60 + 120.
    expect(first + second + third).toBeLessThan(200);
    for (const gap of streak) expect(gap).toBeLessThan(25);
  });

  it('starts the streak over after a mismatch in the middle of it', async () => {
    const transport = scripted([200, 200, 503, 200]);
    const res = await expectEventually(req, expectStatus(200), {
      send: transport.send,
      timeoutMs: 5_000,
      initialBackoffMs: 1,
      maxBackoffMs: 1,
    });
    expect(res.status).toBe(200);
    expect(transport.sentAt).toHaveLength(6);
  });

  it('treats a check that throws as a mismatch, and stops when the window is spent', async () => {
    const transport = scripted([200]);
    const started = performance.now();
    const err = await expectEventually(
      req,
      () => {
        throw new Error('body is not JSON');
      },
      { send: transport.send, timeoutMs: 200, initialBackoffMs: 10, maxBackoffMs: 20 },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProbeTimeoutError);
    expect(err.last).toEqual({ reason: 'body is not JSON' });
    expect(err.attempts).toBe(transport.sentAt.length);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err.message).toMatch(/within 0\.2 s; last: body is not JSON \(\d+ attempts\)$/);
  });
});

describe('expectEventually records how the check converged', () => {
  const env = (version: string) => makeResponse(200, {}, JSON.stringify({ env: { HTTPBIN_ENV_VERSION: version } }));

  it('records attempts, the first match and the N-th in a row when it holds', async () => {
    const transport = scripted([404, 200]);
    const records: CheckRecord[] = [];
    await expectEventually(req, expectStatus(200), {
      send: transport.send,
      timeoutMs: 5_000,
      initialBackoffMs: 1,
      maxBackoffMs: 1,
      onRecord: (r) => records.push(r),
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'http',
      target: 'GET http://127.0.0.1:1/',
      required: 3,
      attempts: 4,
      matched: 3,
      outcome: 'converged',
      nonMatching: [{ answer: '404', reason: 'expected status 200, got 404', count: 1 }],
    });
    expect(records[0].consistentMs).toBeGreaterThanOrEqual(records[0].firstMatchMs!);
  });

  it('classifies answers from the backend the check does not want as wrong-backend, on the error too', async () => {
    const records: CheckRecord[] = [];
    const check = fromBackends(expectJsonPath('env.HTTPBIN_ENV_VERSION', 'v2'), [httpbinBackend('v2')]);
    const err = await expectEventually(req, check, {
      send: async () => env('v1'),
      timeoutMs: 100,
      initialBackoffMs: 10,
      maxBackoffMs: 10,
      onRecord: (r) => records.push(r),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProbeTimeoutError);
    expect(err.record).toBe(records[0]);
    expect(records[0].outcome).toBe('wrong-backend');
    expect(records[0].nonMatching).toEqual([
      expect.objectContaining({ answer: '200 from HTTPBIN_ENV_VERSION=v1', wrongBackend: true }),
    ]);
    expect(describeFailure(records[0])).toMatch(
      /^wrong-backend: 0 of \d+ answers matched; last non-matching: 200 from HTTPBIN_ENV_VERSION=v1$/,
    );
  });

  it('classifies a check that matched now and then as flapped', async () => {
    let sent = 0;
    const err = await expectEventually(req, expectStatus(200), {
      send: async () => makeResponse(sent++ % 2 === 0 ? 200 : 503, {}, ''),
      timeoutMs: 100,
      initialBackoffMs: 5,
      maxBackoffMs: 5,
    }).catch((e) => e);
    expect(err.record.outcome).toBe('matched-but-not-consistent');
    expect(describeFailure(err.record)).toMatch(/^flapped: \d+ of \d+ answers matched; last non-matching: 503$/);
  });

  it('classifies a check that only met connection errors as unreachable', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const err = await expectEventually(req, expectStatus(200), {
      send: async () => Promise.reject(refused),
      timeoutMs: 60,
      initialBackoffMs: 5,
      maxBackoffMs: 5,
    }).catch((e) => e);
    expect(err.record).toMatchObject({ outcome: 'unreachable', matched: 0 });
    expect(err.record.nonMatching[0]).toMatchObject({ answer: 'ECONNREFUSED', unreachable: true });
    expect(describeFailure(err.record)).toMatch(/^unreachable: no answer to \d+ attempts; last error: ECONNREFUSED$/);
  });
});
