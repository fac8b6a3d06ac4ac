import { SetupError } from '../errors.ts';
import { describeRef, type ObjectRef } from './types.ts';

/**
 * Turns client-node failures into one-sentence errors naming the object, the API's message and
 * reason, and what to do about it.
 */

export type KubeErrorReason =
  | 'UnknownKind'
  | 'Unreachable'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthorized'
  | 'BadRequest'
  | (string & {});

export class KubeApiError extends SetupError {
  constructor(
    message: string,
    readonly reason: KubeErrorReason,
    readonly code: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
}

/** The HTTP code and the parsed metav1.Status of an ApiException (or anything shaped like one). */
export function apiStatus(err: unknown): { code?: number; status: StatusBody } {
  if (!err || typeof err !== 'object') return { status: {} };
  const e = err as { code?: unknown; body?: unknown; statusCode?: unknown };
  const code = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = { message: (body as string).trim() || undefined };
    }
  }
  const status = body && typeof body === 'object' ? (body as StatusBody) : {};
  return { code, status };
}

export function isNotFound(err: unknown): boolean {
  return apiStatus(err).code === 404 && !isUnknownKind(err);
}

/** Discovery did not find the kind: its group/version is not served, or the version lacks the kind. */
export function isUnknownKind(err: unknown): boolean {
  if (err instanceof KubeApiError) return err.reason === 'UnknownKind';
  const message = err instanceof Error ? err.message : '';
  if (message.startsWith('Unrecognized API version and kind')) return true;
  return message.startsWith('Failed to fetch resource metadata') && apiStatus(err).code === 404;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

/** The API server could not be reached at all (no HTTP answer). */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const x = e as { code?: unknown; errno?: unknown; name?: unknown; cause?: unknown; type?: unknown };
    if (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) return x.code;
    if (typeof x.errno === 'string' && NETWORK_CODES.has(x.errno)) return x.errno;
    if (x.name === 'AbortError' || x.name === 'TimeoutError' || x.type === 'aborted') return 'timeout';
    e = x.cause;
  }
  return undefined;
}

const HINTS: Record<string, string> = {
  Invalid: 'fix the manifest',
  BadRequest: 'fix the manifest',
  Forbidden: "check the kubeconfig user's RBAC permissions (or an admission policy that refused it)",
  Unauthorized: 'check the credentials in the kubeconfig',
  Conflict: 'another field manager owns these fields: apply with force, or change the other manager',
  AlreadyExists: 'delete the existing object or apply instead of create',
  NotFound: 'create what it depends on first (e.g. its namespace)',
};

/**
 * One sentence for a failed call: `server-side apply of HTTPRoute ns/name failed: <API message>
 * (reason Invalid, HTTP 422); fix the manifest.`
 */
export function toKubeError(err: unknown, action: string, ref: ObjectRef, server: string): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const what = describeRef(ref);
  if (isUnknownKind(err)) {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion : `core ${ref.apiVersion}`;
    return new KubeApiError(unknownKindMessage(action, what, ref.kind, group, server), 'UnknownKind', 404, {
      cause: err,
    });
  }
  const net = networkErrorCode(err);
  if (net) {
    return new KubeApiError(unreachableMessage(action, what, server, net), 'Unreachable', undefined, { cause: err });
  }
  const { code, status } = apiStatus(err);
  if (code === undefined) {
    const message = err instanceof Error ? err.message : String(err);
    return new KubeApiError(`${action} of ${what} failed: ${message}.`, 'Unknown', undefined, { cause: err });
  }
  const reason = status.reason ?? reasonForCode(code);
  const message = (status.message ?? 'no message').replace(/\.$/, '');
  const hint = HINTS[reason];
  return new KubeApiError(
    `${action} of ${what} failed: ${message} (reason ${reason}, HTTP ${code})${hint ? `; ${hint}` : ''}.`,
    reason,
    code,
    { cause: err },
  );
}

function unknownKindMessage(action: string, what: string, kind: string, group: string, server: string): string {
  return (
    `${action} of ${what} failed: the kind ${kind} (${group}) is unknown to the cluster at ${server}; ` +
    'install its CRDs first (for Gateway API kinds: the Gateway API standard-install.yaml bundle).'
  );
}

function unreachableMessage(action: string, what: string, server: string, networkCode: string): string {
  return (
    `${action} of ${what} failed: the Kubernetes API server at ${server} did not answer (${networkCode}); ` +
    "check that the cluster is running and the kubeconfig's server address is reachable."
  );
}

function reasonForCode(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 422:
      return 'Invalid';
    default:
      return 'Unknown';
  }
}
