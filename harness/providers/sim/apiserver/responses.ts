import type { ServerResponse } from 'node:http';
import { ApiError } from './api-error.ts';
import { ApplyConflictError } from './apply.ts';
import { StoreConflictError } from './store.ts';

/** How the API server writes its answers: JSON documents, plain text, and metav1 Status failures. */

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A metav1 Status with status Failure, keys in the order kube-apiserver serializes them. */
export function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** The Status for any error a handler throws; anything unexpected is a 500 InternalError. */
function statusOfError(err: unknown): Record<string, unknown> {
  if (err instanceof ApiError) return statusBody(err.code, err.reason, err.message, err.details);
  if (err instanceof ApplyConflictError) {
    return statusBody(409, 'Conflict', err.message, {
      causes: err.conflicts.map((x) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with "${x.manager}"`,
        field: x.field,
      })),
    });
  }
  if (err instanceof StoreConflictError) {
    return statusBody(err.reason === 'NotFound' ? 404 : 409, err.reason, err.message);
  }
  const message = err instanceof Error ? err.message : String(err);
  return statusBody(500, 'InternalError', `Internal error occurred: ${message}`);
}

/** Answer with the error's Status; a response already under way (a watch) is just ended. */
export function sendError(res: ServerResponse, err: unknown): void {
  const status = statusOfError(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status.code as number, status);
}
