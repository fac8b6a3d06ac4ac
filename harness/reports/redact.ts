import type { KubeObject } from '../kube/types.ts';

/**
 * Secret redaction for everything kindgate writes from a cluster (diagnostics objects, events and
 * logs): credentials must not end up in a file someone will publish or attach to an issue.
 * Two passes: objects by structure (env values and annotation values whose names look secret), and
 * all text by shape (key/value pairs with secret-looking keys, and values that look like tokens,
 * whatever they are called).
 */

export const REDACTED = '[REDACTED]';

/** Words that make a name look secret: `API_TOKEN`, `x-api-key`, `sessionCookie`, `DB_PASSWORD`. */
const SECRET_WORDS = new Set([
  ...['token', 'tokens', 'secret', 'secrets', 'key', 'keys', 'apikey', 'accesskey', 'secretkey', 'privatekey'],
  ...['password', 'passwords', 'passwd', 'pwd', 'passphrase', 'credential', 'credentials', 'creds'],
  ...['auth', 'authorization', 'bearer', 'jwt', 'cookie', 'cookies', 'session', 'sessionid', 'private'],
]);

/** Whether a name (env variable, annotation, header) looks like it holds a secret. */
export function looksSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

/**
 * Keys whose value is a secret in text (`API_TOKEN=…`, `"x-api-key": "…"`, `password: …`): the
 * secret word ends the key, so `secretName:`, `passwordFile:` and `automountServiceAccountToken:`
 * (a word inside a longer word) keep their values. A bare `key:` is YAML's everywhere
 * (tolerations, selectors) and is left to the structural pass.
 */
const SECRET_KEY_END =
  '(?:token|secret|password|passwd|pwd|passphrase|api[-_]?key|access[-_]?key|secret[-_]?key|private[-_]?key|credentials?|cookie|session[-_]?(?:id|token|key))';
const KEY_VALUE = new RegExp(
  `((?<![A-Za-z0-9])(?:[A-Za-z0-9_.-]*[-_.])?${SECRET_KEY_END}["']?[ \\t]*[:=][ \\t]*)("[^"\\n]*"|'[^'\\n]*'|[^\\s,;}]+)`,
  'gi',
);

/** Tokens with a known prefix: Stripe, GitHub, Slack, AWS access keys, GitLab, Google API keys. */
const PREFIXED_TOKEN =
  /\b(?:(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|glpat-[\w-]{20,}|AIza[\w-]{35})/g;

// Order matters: whole PEM blocks first, then key/value forms, then free-standing tokens.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g, REDACTED],
  // kubeconfig and service-account fields, as YAML (`token: x`) or JSON (`"token":"x"`).
  [
    /(["']?\b(?:client-key-data|client-certificate-data|certificate-authority-data|token|id-token|refresh-token|access-token|password)["']?[ \t]*[:=][ \t]*)("[^"]*"|'[^']*'|[^\s,}]+)/gi,
    `$1${REDACTED}`,
  ],
  [KEY_VALUE, `$1${REDACTED}`],
  [/(\bauthorization\s*[:=]\s*["']?)(?:bearer|basic)\s+[^\s"',}]+/gi, `$1${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, `Bearer ${REDACTED}`],
  // JSON Web Tokens (service-account tokens are JWTs).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g, REDACTED],
  [PREFIXED_TOKEN, REDACTED],
  // The password of a URL: scheme://user:password@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(@)/gi, `$1${REDACTED}$2`],
];

/** Runs of token characters long enough to be a key; see looksRandom. */
const LONG_RUN = /[A-Za-z0-9+/_=-]{32,}/g;

const charClass = (c: string) => (/[a-z]/.test(c) ? 'l' : /[A-Z]/.test(c) ? 'u' : /[0-9]/.test(c) ? 'd' : 'o');

/** How often the character class (lower, upper, digit, other) changes from one character to the next. */
function classChanges(text: string): number {
  let changes = 0;
  for (let i = 1; i < text.length; i++) if (charClass(text[i]) !== charClass(text[i - 1])) changes++;
  return changes / (text.length - 1);
}

/**
 * A random key or token: a piece of at least 24 characters (between `-` and `_`, which join the
 * words of names) mixing upper case, lower case and digits that change class at almost every other
 * character (about 0.6 for random base62 or base64). Names are lower case (`pod-7c9d8f6b5-x7k2p`),
 * digests and UIDs too, and identifiers made of words change class far less (`HTTPRouteMatching1`: 0.2).
 */
function looksRandom(run: string): boolean {
  const piece = run.split(/[-_]/).reduce((a, b) => (b.length > a.length ? b : a), '');
  return (
    piece.length >= 24 &&
    /[a-z]/.test(piece) &&
    /[A-Z]/.test(piece) &&
    /[0-9]/.test(piece) &&
    classChanges(piece) >= 0.4
  );
}

/** Replace anything that looks like a credential: key/value secrets, bearer tokens, keys, tokens. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(LONG_RUN, (run) => (looksRandom(run) ? REDACTED : run));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{name, value}` pairs (container env, header modifiers): the value goes when the name looks secret. */
function redactNamedValue(item: Record<string, unknown>): Record<string, unknown> {
  if (typeof item.name === 'string' && typeof item.value === 'string' && looksSecretName(item.name))
    return { ...item, value: REDACTED };
  return item;
}

function redactValue(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(isRecord(v) ? redactNamedValue(v) : v));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = key === 'annotations' && looksSecretName(k) ? REDACTED : redactValue(v, k);
  }
  return out;
}

/** A copy of `obj` with secret-looking env and annotation values and token-looking strings redacted. */
export function redactObject(obj: KubeObject): KubeObject {
  return redactValue(obj) as KubeObject;
}
