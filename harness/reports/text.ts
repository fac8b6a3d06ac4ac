/**
 * Text hygiene shared by every report: what vitest and kubectl hand us may carry terminal colour,
 * control characters or credentials, none of which belong in a file someone will publish.
 */

// CSI (colour, cursor) and OSC (hyperlinks, titles) escape sequences.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Characters XML 1.0 cannot hold at all (not even as references): C0 controls other than tab,
 * newline and carriage return, lone surrogates, U+FFFE/U+FFFF.
 */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(XML_INVALID, '');
}

/** The first non-empty line, for one-line summaries and attribute values. */
export function firstLine(text: string | undefined): string {
  if (!text) return '';
  return text.split(/\r?\n/).find((line) => line.trim() !== '')?.trim() ?? '';
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const REDACTED = '[REDACTED]';

// Order matters: whole PEM keys first, then key/value forms, then free-standing tokens.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, REDACTED],
  // kubeconfig and service-account fields, as YAML (`token: x`) or JSON (`"token":"x"`).
  [/(["']?\b(?:client-key-data|client-certificate-data|certificate-authority-data|token|id-token|refresh-token|access-token|password)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,}]+)/gi, `$1${REDACTED}`],
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
