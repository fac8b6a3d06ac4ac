import { describe, expect, it } from 'vitest';
import { firstLine, stripAnsi, stripInvalidXmlChars } from './text.ts';

describe('text hygiene', () => {
  it('strips colour and hyperlink escapes', () => {
    expect(stripAnsi('\u001b[1m\u001b[31mred\u001b[39m\u001b[22m \u001b]8;;https://x\u0007link\u001b]8;;\u0007')).toBe(
      'red link',
    );
  });

  it('drops characters XML cannot hold but keeps tabs, newlines and astral characters', () => {
    expect(stripInvalidXmlChars('a\u0000b\u0008c\td\ne\uFFFEf\uDC00g😀')).toBe('abc\td\nefg😀');
  });

  it('takes the first non-empty line', () => {
    expect(firstLine('\n  \n  first  \nsecond')).toBe('first');
    expect(firstLine(undefined)).toBe('');
  });
});
