import { describe, expect, it } from 'vitest';
import { answeredBy, httpbinBackend } from './backend.ts';
import { all, expectStatus, fromBackends } from './checks.ts';
import { makeResponse } from './http.ts';

const json = (value: unknown) => makeResponse(200, { 'content-type': 'application/json' }, JSON.stringify(value));

describe('answeredBy', () => {
  it('names httpbin by its HTTPBIN_ENV_VERSION (/env) and the upstream echo server by its pod', () => {
    expect(answeredBy(json({ env: { HTTPBIN_ENV_VERSION: 'v2' } }))).toBe(httpbinBackend('v2'));
    expect(httpbinBackend('v2')).toBe('HTTPBIN_ENV_VERSION=v2');
    expect(answeredBy(json({ path: '/', pod: 'infra-backend-v1-7d9c-abcde' }))).toBe('pod infra-backend-v1-7d9c-abcde');
  });

  it('names nobody when the answer does not say: other JSON, no JSON, an empty env', () => {
    expect(answeredBy(json({ headers: { Host: ['x'] } }))).toBeUndefined();
    expect(answeredBy(json({ env: null }))).toBeUndefined();
    expect(answeredBy(makeResponse(503, {}, 'no healthy upstream'))).toBeUndefined();
    expect(answeredBy(makeResponse(200, {}, '{ not json'))).toBeUndefined();
  });
});

describe('checks that want particular backends', () => {
  it('keep the backends they want through all(), and still check as before', () => {
    const wantsV2 = fromBackends(expectStatus(200), [httpbinBackend('v2')]);
    expect(wantsV2.backends).toEqual(['HTTPBIN_ENV_VERSION=v2']);
    expect(wantsV2(makeResponse(404, {}, ''))).toBe('expected status 200, got 404');
    const combined = all(expectStatus(200), wantsV2);
    expect(combined.backends).toEqual(['HTTPBIN_ENV_VERSION=v2']);
    expect(combined(makeResponse(200, {}, ''))).toBeUndefined();
    expect(all(expectStatus(200)).backends).toBeUndefined();
  });
});
