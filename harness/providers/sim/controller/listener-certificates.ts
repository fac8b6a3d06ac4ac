import { createPrivateKey, X509Certificate } from 'node:crypto';
import { GATEWAY_GROUP, type Listener, type ReferenceGrantSpec } from '../../../kube/gateway-api.ts';
import type { ServingCertificate } from '../dataplane/tls-termination.ts';

/**
 * The certificates of an HTTPS listener (`tls.certificateRefs`, mode Terminate), resolved as the
 * Gateway API asks (ListenerConditionResolvedRefs in apis/v1/gateway_types.go): a reference that
 * is not a core Secret, a Secret that does not exist or holds no usable `tls.crt`/`tls.key` pair
 * is InvalidCertificateRef; a Secret in another namespace without a ReferenceGrant from this
 * Gateway's namespace is RefNotPermitted.
 */

export type CertificateResolution =
  | { ok: true; certificates: ServingCertificate[] }
  | { ok: false; reason: 'InvalidCertificateRef' | 'RefNotPermitted'; message: string };

export interface SecretLookup {
  /** A Secret's `data` (base64 values), or undefined when it does not exist. */
  secretData(namespace: string, name: string): Record<string, string> | undefined;
  /** ReferenceGrants living in `namespace`. */
  referenceGrants(namespace: string): ReferenceGrantSpec[];
}

/** Whether a ReferenceGrant in the Secret's namespace lets Gateways of `fromNamespace` use Secret `name`. */
function secretReferencePermitted(grants: ReferenceGrantSpec[], fromNamespace: string, name: string): boolean {
  return grants.some(
    (g) =>
      (g.from ?? []).some((f) => f.group === GATEWAY_GROUP && f.kind === 'Gateway' && f.namespace === fromNamespace) &&
      (g.to ?? []).some((t) => (t.group ?? '') === '' && t.kind === 'Secret' && (!t.name || t.name === name)),
  );
}

/**
 * What usablePair found for each `tls.crt` + `tls.key` (base64, as in the Secret): the controller
 * resolves every HTTPS listener on every pass, and parsing the PEM is most of that. Bounded: the
 * pairs of Secrets long gone go when it fills.
 */
const checkedPairs = new Map<string, ServingCertificate | undefined>();
const CHECKED_PAIRS_LIMIT = 256;

/** A certificate and key in PEM that Node's TLS can serve: both parse and the key is the certificate's. */
function usablePair(data: Record<string, string>): ServingCertificate | undefined {
  const id = `${data['tls.crt'] ?? ''}\n${data['tls.key'] ?? ''}`;
  if (checkedPairs.has(id)) return checkedPairs.get(id);
  if (checkedPairs.size >= CHECKED_PAIRS_LIMIT) checkedPairs.clear();
  const pair = parsedPair(data);
  checkedPairs.set(id, pair);
  return pair;
}

function parsedPair(data: Record<string, string>): ServingCertificate | undefined {
  const cert = Buffer.from(data['tls.crt'] ?? '', 'base64').toString('utf8');
  const key = Buffer.from(data['tls.key'] ?? '', 'base64').toString('utf8');
  try {
    return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)) ? Object.freeze({ cert, key }) : undefined;
  } catch {
    return undefined;
  }
}

export function resolveListenerCertificates(
  listener: Listener,
  gatewayNamespace: string,
  lookup: SecretLookup,
): CertificateResolution {
  const refs = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0)
    return { ok: false, reason: 'InvalidCertificateRef', message: 'an HTTPS listener needs tls.certificateRefs' };
  const certificates: ServingCertificate[] = [];
  for (const ref of refs) {
    const group = ref.group ?? '';
    const kind = ref.kind ?? 'Secret';
    const namespace = ref.namespace ?? gatewayNamespace;
    const where = `${namespace}/${ref.name}`;
    if (group !== '' || kind !== 'Secret')
      return {
        ok: false,
        reason: 'InvalidCertificateRef',
        message: `certificateRef ${where} is of unsupported group "${group}" kind "${kind}" (only core Secrets)`,
      };
    if (
      namespace !== gatewayNamespace &&
      !secretReferencePermitted(lookup.referenceGrants(namespace), gatewayNamespace, ref.name)
    )
      return {
        ok: false,
        reason: 'RefNotPermitted',
        message: `certificateRef to Secret ${where} is not permitted by any ReferenceGrant`,
      };
    const data = lookup.secretData(namespace, ref.name);
    if (!data) return { ok: false, reason: 'InvalidCertificateRef', message: `Secret ${where} does not exist` };
    const pair = usablePair(data);
    if (!pair)
      return {
        ok: false,
        reason: 'InvalidCertificateRef',
        message: `Secret ${where} holds no valid tls.crt and matching tls.key`,
      };
    certificates.push(pair);
  }
  return { ok: true, certificates };
}
