import { describe, expect, it } from 'vitest';
import { canonicalHeaderName, exposedEnv } from './httpbin.ts';

describe('httpbin helpers', () => {
  it('canonicalizes header names as Go does', () => {
    expect(canonicalHeaderName('x-version')).toBe('X-Version');
    expect(canonicalHeaderName('USER-AGENT')).toBe('User-Agent');
  });

  it('exposes only HTTPBIN_ENV_ variables, null when there are none', () => {
    expect(exposedEnv({ HTTPBIN_ENV_VERSION: 'v2', PATH: '/bin' })).toEqual({ HTTPBIN_ENV_VERSION: 'v2' });
    expect(exposedEnv({ PATH: '/bin' })).toBeNull();
  });
});
