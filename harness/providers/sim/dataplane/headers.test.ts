import { describe, expect, it } from 'vitest';
import { applyHeaderModifier, toHeaderMap } from './headers.ts';

describe('header modifiers', () => {
  it('set replaces, add appends, remove deletes, names are case-insensitive', () => {
    const headers = toHeaderMap(['Host', 'h', 'X-Keep', '1', 'X-Replace', 'old', 'X-Add', 'first', 'X-Drop', 'x']);
    applyHeaderModifier(headers, {
      set: [{ name: 'x-replace', value: 'new' }],
      add: [{ name: 'X-ADD', value: 'second' }],
      remove: ['x-drop'],
    });
    expect(Object.fromEntries(headers)).toEqual({
      host: ['h'],
      'x-keep': ['1'],
      'x-replace': ['new'],
      'x-add': ['first', 'second'],
    });
  });
});
