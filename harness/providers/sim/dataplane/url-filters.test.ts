import { describe, expect, it } from 'vitest';
import { modifyPath, redirectLocation } from './url-filters.ts';

const prefix = (value: string) => ({ path: { type: 'PathPrefix' as const, value } });

describe('modifyPath', () => {
  it('ReplaceFullPath replaces the whole path', () => {
    expect(
      modifyPath('/full/path/original', { type: 'ReplaceFullPath', replaceFullPath: '/replaced' }, prefix('/full')),
    ).toBe('/replaced');
  });

  it('ReplacePrefixMatch replaces the matched prefix by segments (the spec example and conformance cases)', () => {
    const m = (path: string, from: string, to: string) =>
      modifyPath(path, { type: 'ReplacePrefixMatch', replacePrefixMatch: to }, prefix(from));
    expect(m('/foo/bar', '/foo', '/xyz')).toBe('/xyz/bar');
    expect(m('/prefix/one/two', '/prefix/one', '/one')).toBe('/one/two');
    expect(m('/prefix/one', '/prefix/one', '/one')).toBe('/one');
    expect(m('/strip-prefix/three', '/strip-prefix', '/')).toBe('/three');
    expect(m('/strip-prefix', '/strip-prefix', '/')).toBe('/');
    expect(m('/foo/', '/foo', '/xyz')).toBe('/xyz/');
  });

  it('no modifier keeps the path', () => {
    expect(modifyPath('/a', undefined, prefix('/'))).toBe('/a');
  });
});

describe('redirectLocation', () => {
  const req = { host: 'redirect.example:8080', path: '/old/x', search: '?q=1' };

  it("defaults: same scheme and host, the listener port (omitted when it is the scheme's well-known one), 302", () => {
    expect(redirectLocation({}, req, prefix('/'), 80)).toBe('http://redirect.example/old/x?q=1');
    expect(redirectLocation({}, req, prefix('/'), 8080)).toBe('http://redirect.example:8080/old/x?q=1');
  });

  it('a scheme implies its well-known port; an explicit port is shown unless well-known', () => {
    expect(redirectLocation({ scheme: 'https' }, req, prefix('/'), 8080)).toBe('https://redirect.example/old/x?q=1');
    expect(redirectLocation({ scheme: 'https', port: 8443 }, req, prefix('/'), 80)).toBe(
      'https://redirect.example:8443/old/x?q=1',
    );
    expect(redirectLocation({ hostname: 'new.example', port: 80 }, req, prefix('/'), 8080)).toBe(
      'http://new.example/old/x?q=1',
    );
  });

  it('rewrites the path with the matched prefix', () => {
    expect(
      redirectLocation({ path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } }, req, prefix('/old'), 80),
    ).toBe('http://redirect.example/new/x?q=1');
  });
});
