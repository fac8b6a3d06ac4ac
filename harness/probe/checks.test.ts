import { describe, expect, it } from 'vitest';
import {
  all,
  expectHeader,
  expectHeaderMatches,
  expectJsonPath,
  expectStatus,
  includes,
  jsonPath,
  oneOf,
} from './checks.ts';
import { makeResponse } from './http.ts';

const envV2 = makeResponse(
  200,
  { server: 'istio-envoy', 'content-type': 'application/json' },
  '{"env":{"HTTPBIN_ENV_VERSION":"v2"}}',
);

describe('check builders', () => {
  it('expectStatus says what it got', () => {
    expect(expectStatus(200)(envV2)).toBeUndefined();
    expect(expectStatus(404)(envV2)).toBe('expected status 404, got 200');
  });

  it('expectHeaderMatches is case-insensitive on the name and reports absence', () => {
    expect(expectHeaderMatches('Server', /envoy/)(envV2)).toBeUndefined();
    expect(expectHeaderMatches('server', /^envoy$/)(envV2)).toBe(
      'expected header server matching /^envoy$/, got "istio-envoy"',
    );
    expect(expectHeaderMatches('x-missing', /./)(envV2)).toBe('expected header x-missing matching /./, it is absent');
  });

  it('expectHeaderMatches gives the same answer every time for a /g pattern', () => {
    const check = expectHeaderMatches('server', /envoy/g);
    expect([check(envV2), check(envV2), check(envV2)]).toEqual([undefined, undefined, undefined]);
  });

  it('expectHeader compares exactly', () => {
    expect(expectHeader('server', 'istio-envoy')(envV2)).toBeUndefined();
    expect(expectHeader('server', 'envoy')(envV2)).toBe('expected header server: envoy, got "istio-envoy"');
  });

  it('expectJsonPath reads dotted paths and explains mismatches', () => {
    expect(expectJsonPath('env.HTTPBIN_ENV_VERSION', 'v2')(envV2)).toBeUndefined();
    expect(expectJsonPath('env.HTTPBIN_ENV_VERSION', 'v1')(envV2)).toBe(
      'expected body env.HTTPBIN_ENV_VERSION = "v1", got "v2"',
    );
    expect(expectJsonPath('env.OTHER', 'v1')(envV2)).toBe('expected body env.OTHER = "v1", got nothing');
    expect(expectJsonPath('env', (v) => typeof v === 'object')(envV2)).toBeUndefined();
    expect(expectJsonPath('a', 1)(makeResponse(502, {}, 'upstream connect error'))).toBe(
      'expected a JSON body, got "upstream connect error"',
    );
  });

  it('expectJsonPath takes named matchers and says what they wanted', () => {
    expect(expectJsonPath('env.HTTPBIN_ENV_VERSION', oneOf('v1', 'v2'))(envV2)).toBeUndefined();
    expect(expectJsonPath('env.HTTPBIN_ENV_VERSION', oneOf('v1', 'v3'))(envV2)).toBe(
      'expected body env.HTTPBIN_ENV_VERSION to be one of "v1", "v3", got "v2"',
    );
    const echoed = makeResponse(200, {}, '{"headers":{"X-Version":["v1"]}}');
    expect(expectJsonPath('headers.X-Version', includes('v1'))(echoed)).toBeUndefined();
    expect(expectJsonPath('headers.X-Version', includes('v2'))(echoed)).toBe(
      'expected body headers.X-Version to include "v2", got ["v1"]',
    );
    expect(expectJsonPath('headers.X-Other', includes('v2'))(echoed)).toBe(
      'expected body headers.X-Other to include "v2", got nothing',
    );
  });

  it('jsonPath indexes arrays (go-httpbin /headers values are arrays)', () => {
    expect(jsonPath({ headers: { 'X-Version': ['v2'] } }, 'headers.X-Version.0')).toBe('v2');
  });

  it('all() reports the first failing check', () => {
    const check = all(
      expectStatus(200),
      expectHeaderMatches('server', /envoy/),
      expectJsonPath('env.HTTPBIN_ENV_VERSION', 'v1'),
    );
    expect(check(envV2)).toBe('expected body env.HTTPBIN_ENV_VERSION = "v1", got "v2"');
    expect(all(expectStatus(200), expectHeaderMatches('server', /envoy/))(envV2)).toBeUndefined();
  });
});
