/**
 * Secret redaction for everything kindgate writes from a cluster (diagnostics objects and logs):
 * credentials must not end up in a file someone will publish or attach to an issue.
 */

const REDACTED = '[REDACTED]';

// Order matters: whole PEM keys first, then key/value forms, then free-standing tokens.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, REDACTED],
  // kubeconfig and service-account fields, as YAML (`token: x`) or JSON (`"token":"x"`).
  [
    /(["']?\b(?:client-key-data|client-certificate-data|certificate-authority-data|token|id-token|refresh-token|access-token|password)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,}]+)/gi,
    `$1${REDACTED}`,
  ],
  [/(\bauthorization\s*[:=]\s*["']?)(?:bearer|basic)\s+[^\s"',}]+/gi, `$1${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, `Bearer ${REDACTED}`],
  // JSON Web Tokens (service-account tokens are JWTs).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g, REDACTED],
];

/** Replace anything that looks like a bearer token, private key or kubeconfig credential. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
