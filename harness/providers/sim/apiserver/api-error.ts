import { qualifiedResource, type ResourceInfo } from './resources.ts';
import { staleWriteMessage, type StoreConflictError } from './store.ts';

/**
 * A failure the API server answers with a metav1 Status: HTTP code, machine-readable reason,
 * message and optional details, worded as kube-apiserver words them.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Which object a Status is about: its name and resource, as `details` carries them. */
export interface ObjectTarget {
  info: ResourceInfo;
  name?: string;
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** A URL the server does not serve at all (kube-apiserver's mux 404). */
export function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {
    causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }],
  });
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
}

function objectDetails(target: ObjectTarget, name = target.name): Record<string, unknown> {
  return { name, group: target.info.group, kind: target.info.plural };
}

/** `gateways.gateway.networking.k8s.io "web" not found`. */
export function objectNotFound(target: ObjectTarget, name = target.name): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(target.info)} "${name}" not found`,
    objectDetails(target, name),
  );
}

export function namespaceNotFound(namespace: string): ApiError {
  return new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
}

/** A patch that cannot be applied to the stored object. */
export function invalidPatch(target: ObjectTarget, message: string): ApiError {
  return new ApiError(422, 'Invalid', message, objectDetails(target));
}

/** The store's errors, worded and shaped as kube-apiserver words them. */
export function storeError(target: ObjectTarget, err: StoreConflictError): ApiError {
  const what = `${qualifiedResource(target.info)} "${target.name}"`;
  if (err.reason === 'NotFound') return objectNotFound(target);
  if (err.reason === 'AlreadyExists')
    return new ApiError(409, 'AlreadyExists', `${what} already exists`, objectDetails(target));
  return new ApiError(409, 'Conflict', staleWriteMessage(what), objectDetails(target));
}
