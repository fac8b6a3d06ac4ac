import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isTransient, retryAfterMs, retryTransient } from './transient.ts';

const answered = (code: number, headers: Record<string, string> = {}, body: unknown = {}) =>
  new ApiException(code, 'Unsuccessful HTTP Request', body, headers);

describe('transient API failures', () => {
  it('are 429 and 5xx answers and broken connections; not 4xx, not a refused connection', () => {
    for (const code of [429, 500, 502, 503, 504]) expect(isTransient(answered(code)), String(code)).toBe(true);
    for (const code of [400, 401, 403, 404, 409, 422, 501])
      expect(isTransient(answered(code)), String(code)).toBe(false);
    expect(isTransient(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(new Error('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }))).toBe(true);
    expect(isTransient(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isTransient(new Error('Unrecognized API version and kind'))).toBe(false);
  });

  it('read Retry-After from the header, else from the Status details (seconds, capped at a minute)', () => {
    expect(retryAfterMs(answered(429, { 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(answered(503, { 'Retry-After': '1' }))).toBe(1000);
    expect(retryAfterMs(answered(429, {}, { kind: 'Status', details: { retryAfterSeconds: 3 } }))).toBe(3000);
    expect(retryAfterMs(answered(429, { 'retry-after': '3600' }))).toBe(60_000);
    expect(retryAfterMs(answered(500))).toBeUndefined();
    expect(retryAfterMs(answered(429, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }))).toBeUndefined();
  });

  it('are retried, honouring Retry-After; anything else fails at once', async () => {
    let calls = 0;
    const times: number[] = [];
    const result = await retryTransient(async () => {
      times.push(performance.now());
      if (++calls === 1) throw answered(429, { 'retry-after': '1' });
      if (calls === 2) throw answered(500);
      return 'applied';
    });
    expect(result).toBe('applied');
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(995);
    let forbidden = 0;
    await expect(
      retryTransient(async () => {
        forbidden++;
        throw answered(403);
      }),
    ).rejects.toMatchObject({ code: 403 });
    expect(forbidden).toBe(1);
  });
});
