import { describe, expect, it } from 'vitest';
import { selectListener } from './listener-select.ts';

describe('listener selection among the listeners of one port', () => {
  const listeners = [
    { name: 'any' },
    { name: 'wild', hostname: '*.bar.com' },
    { name: 'deeper-wild', hostname: '*.foo.bar.com' },
    { name: 'exact', hostname: 'bar.com' },
    { name: 'exact-sub', hostname: 'foo.bar.com' },
  ];
  const pick = (host: string, from = listeners) => selectListener(from, host)?.name;

  it('prefers the exact hostname, then the longest wildcard, then a listener without hostname', () => {
    expect(pick('bar.com')).toBe('exact');
    expect(pick('foo.bar.com:80')).toBe('exact-sub');
    expect(pick('x.foo.bar.com')).toBe('deeper-wild');
    expect(pick('baz.bar.com')).toBe('wild');
    expect(pick('example.org')).toBe('any');
  });

  it('finds none when no listener hostname matches and none is hostname-less', () => {
    expect(pick('example.org', listeners.slice(1))).toBeUndefined();
  });
});
