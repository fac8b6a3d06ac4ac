import { describe, expect, it } from 'vitest';
import { echoSetHeaders, parseGoDuration } from './echo-basic.ts';

describe('echo-basic helpers', () => {
  it("parses durations as Go's time.ParseDuration does for what tests send", () => {
    expect(parseGoDuration('1s')).toBe(1000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('0')).toBe(0);
    for (const bad of ['', '1', 's', '1x', '1s2', ' 1s']) expect(parseGoDuration(bad)).toBeUndefined();
  });

  it('reads X-Echo-Set-Header as comma-separated Name:value pairs, names as written, repeats joined', () => {
    expect(echoSetHeaders(['X-Foo: bar, x-lower:baz'])).toEqual([
      ['X-Foo', ' bar'],
      ['x-lower', 'baz'],
    ]);
    expect(echoSetHeaders(['X-Foo: a', 'X-Foo: b, X-Foo:c'])).toEqual([['X-Foo', ' a,b,c']]);
    expect(echoSetHeaders(['NoValue, bad name: x, :empty'])).toEqual([['NoValue', '']]);
  });
});
