import { describe, expect, it } from 'vitest';
import { firstLine, redactSecrets, stripAnsi, stripInvalidXmlChars } from './text.ts';

describe('text hygiene', () => {
  it('strips colour and hyperlink escapes', () => {
    expect(stripAnsi('\u001b[1m\u001b[31mred\u001b[39m\u001b[22m \u001b]8;;https://x\u0007link\u001b]8;;\u0007')).toBe('red link');
  });

  it('drops characters XML cannot hold but keeps tabs, newlines and astral characters', () => {
    expect(stripInvalidXmlChars('a\u0000b\u0008c\td\ne\uFFFEf\uDC00g😀')).toBe('abc\td\nefg😀');
  });

  it('takes the first non-empty line', () => {
    expect(firstLine('\n  \n  first  \nsecond')).toBe('first');
    expect(firstLine(undefined)).toBe('');
  });

  it.each([
    ['Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['"authorization":"Bearer abc123"', 'abc123'],
    ['    token: sha256~AbCdEf0123', 'sha256~AbCdEf0123'],
    ['client-key-data: LS0tLS1CRUdJTg==', 'LS0tLS1CRUdJTg=='],
    ['password=hunter2', 'hunter2'],
    ['jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here', 'eyJhbGciOiJSUzI1NiJ9'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----', 'MIIB'],
  ])('redacts %s', (text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it('leaves ordinary log lines alone', () => {
    const line = 'info ads Push debounce stable[12] 3 for config Gateway/gw/external-gateway; automountServiceAccountToken: false';
    expect(redactSecrets(line)).toBe(line);
  });
});
