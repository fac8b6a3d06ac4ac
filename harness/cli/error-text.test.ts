import { describe, expect, it } from 'vitest';
import { terminalSentence } from './error-text.ts';

describe('terminalSentence', () => {
  it('leaves an ordinary sentence alone', () => {
    const s = '--hostname "not a host" is not a valid DNS name; use lower-case labels separated by dots.';
    expect(terminalSentence(s)).toBe(s);
  });

  it('escapes control characters, ESC included', () => {
    expect(terminalSentence('bad \u001b[31mred\u0007 value')).toBe('bad \\u001b[31mred\\u0007 value');
  });

  it('cuts a 100 KB value to its start and end, keeping the fix', () => {
    const out = terminalSentence(`Fixture directory /tmp/${'a'.repeat(100_000)} does not exist; pass --fixtures.`);
    expect(out.length).toBeLessThan(300);
    expect(out).toMatch(
      /^Fixture directory \/tmp\/a{45}…\(99905 characters cut\)…a{50} does not exist; pass --fixtures\.$/,
    );
  });

  it('cuts a long sentence of short words in the middle', () => {
    const out = terminalSentence(`${'word '.repeat(20_000)}fix it.`);
    expect(out.length).toBeLessThanOrEqual(2000 + 40);
    expect(out).toMatch(/fix it\.$/);
  });
});
