import { describe, expect, it } from 'vitest';
import { expectEventually, ProbeTimeoutError } from './consistency.ts';
import { expectStatus } from './checks.ts';
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
