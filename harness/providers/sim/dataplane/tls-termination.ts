import { createSecureContext, type SecureContext } from 'node:tls';
import { selectListener } from './listener-select.ts';

/**
 * TLS termination for HTTPS listeners: the certificate a handshake gets is the one of the
 * listener whose hostname matches the client's SNI server name most specifically (the listeners
 * of one port may each have their own); a client that sends no SNI gets the first listener's.
 */

/** A certificate and its key, PEM. */
export interface ServingCertificate {
  cert: string;
  key: string;
}

export interface TlsListener {
  name: string;
  hostname?: string;
  certificates?: ServingCertificate[];
}

const contexts = new Map<string, SecureContext>();

/** One secure context per certificate and key (cached: a handshake should not parse PEM again). */
export function secureContextOf(certificate: ServingCertificate): SecureContext {
  const cacheKey = `${certificate.cert}\n${certificate.key}`;
  let context = contexts.get(cacheKey);
  if (!context) {
    context = createSecureContext({ cert: certificate.cert, key: certificate.key });
    contexts.set(cacheKey, context);
  }
  return context;
}

/** The certificate for a handshake with this SNI server name (undefined: none fits). */
export function certificateFor(
  listeners: TlsListener[],
  serverName: string | undefined,
): ServingCertificate | undefined {
  const withCerts = listeners.filter((l) => l.certificates && l.certificates.length > 0);
  const chosen = (serverName ? selectListener(withCerts, serverName) : undefined) ?? withCerts[0];
  return chosen?.certificates?.[0];
}
