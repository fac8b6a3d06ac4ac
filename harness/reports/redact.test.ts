import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.ts';

describe('secret redaction', () => {
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
    const line =
      'info ads Push debounce stable[12] 3 for config Gateway/gw/external-gateway; automountServiceAccountToken: false';
    expect(redactSecrets(line)).toBe(line);
  });
});
