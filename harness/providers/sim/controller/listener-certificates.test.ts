import { describe, expect, it } from 'vitest';
import type { Listener, ReferenceGrantSpec } from '../../../kube/gateway-api.ts';
import { certificateFor } from '../dataplane/tls-termination.ts';
import { SECOND_EXAMPLE_ORG, WILDCARD_EXAMPLE_COM } from '../tls-certificates.test-helper.ts';
import { resolveListenerCertificates, type SecretLookup } from './listener-certificates.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const tlsData = (pair: { cert: string; key: string }) => ({ 'tls.crt': b64(pair.cert), 'tls.key': b64(pair.key) });

const secrets: Record<string, Record<string, string>> = {
  'infra/wildcard': tlsData(WILDCARD_EXAMPLE_COM),
  'certs/second': tlsData(SECOND_EXAMPLE_ORG),
  'infra/malformed': { 'tls.crt': b64('Hello world\n'), 'tls.key': b64('Hello world\n') },
  'infra/mismatched': { 'tls.crt': b64(WILDCARD_EXAMPLE_COM.cert), 'tls.key': b64(SECOND_EXAMPLE_ORG.key) },
};
const grantToSecrets: ReferenceGrantSpec = {
  from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra' }],
  to: [{ group: '', kind: 'Secret' }],
};
const lookup = (grants: ReferenceGrantSpec[] = []): SecretLookup => ({
  secretData: (ns, name) => secrets[`${ns}/${name}`],
  referenceGrants: (ns) => (ns === 'certs' ? grants : []),
});
const https = (refs: NonNullable<Listener['tls']>['certificateRefs']): Listener => ({
  name: 'https',
  port: 443,
  protocol: 'HTTPS',
  tls: { certificateRefs: refs },
});

describe('HTTPS listener certificates', () => {
  it('resolves a Secret of the Gateway namespace to its PEM pair', () => {
    expect(resolveListenerCertificates(https([{ name: 'wildcard' }]), 'infra', lookup())).toEqual({
      ok: true,
      certificates: [WILDCARD_EXAMPLE_COM],
    });
  });

  it('needs a ReferenceGrant from Gateways of the namespace for a Secret elsewhere (RefNotPermitted)', () => {
    const ref = https([{ name: 'second', namespace: 'certs' }]);
    expect(resolveListenerCertificates(ref, 'infra', lookup())).toMatchObject({ ok: false, reason: 'RefNotPermitted' });
    expect(resolveListenerCertificates(ref, 'infra', lookup([grantToSecrets]))).toEqual({
      ok: true,
      certificates: [SECOND_EXAMPLE_ORG],
    });
    const forRoutes = { ...grantToSecrets, from: [{ ...grantToSecrets.from[0], kind: 'HTTPRoute' }] };
    expect(resolveListenerCertificates(ref, 'infra', lookup([forRoutes]))).toMatchObject({ reason: 'RefNotPermitted' });
  });

  it('calls a missing, malformed or mismatched Secret, another kind or group, or no refs InvalidCertificateRef', () => {
    for (const refs of [
      [{ name: 'nonexistent' }],
      [{ name: 'malformed' }],
      [{ name: 'mismatched' }],
      [{ group: '', kind: 'WrongKind', name: 'wildcard' }],
      [{ group: 'wrong.group.company.io', kind: 'Secret', name: 'wildcard' }],
      [],
    ])
      expect(resolveListenerCertificates(https(refs), 'infra', lookup())).toMatchObject({
        ok: false,
        reason: 'InvalidCertificateRef',
      });
  });

  it("serves the certificate of the listener the SNI name selects, the first listener's without SNI", () => {
    const listeners = [
      { name: 'any', certificates: [WILDCARD_EXAMPLE_COM] },
      { name: 'second', hostname: 'second.example.org', certificates: [SECOND_EXAMPLE_ORG] },
    ];
    expect(certificateFor(listeners, 'second.example.org')).toBe(SECOND_EXAMPLE_ORG);
    expect(certificateFor(listeners, 'a.example.com')).toBe(WILDCARD_EXAMPLE_COM);
    expect(certificateFor(listeners, undefined)).toBe(WILDCARD_EXAMPLE_COM);
  });
});
