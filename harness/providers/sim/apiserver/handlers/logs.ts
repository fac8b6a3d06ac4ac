import { objectNotFound } from '../api-error.ts';
import { storedObject, type ResourceRequest } from '../request.ts';
import { sendText } from '../responses.ts';

/**
 * pods/log: the text the podLogs callback has for the pod (empty for a pod it does not know),
 * `?container=` passed through, `?tailLines=N` keeping the last N lines.
 */
export function servePodLog(c: ResourceRequest): void {
  const container = c.url.searchParams.get('container') ?? undefined;
  const pod = storedObject(c);
  let text = c.server.podLogs?.(c.namespace!, c.name!, container);
  if (text === undefined && !pod) throw objectNotFound(c);
  text ??= '';
  const tail = Number(c.url.searchParams.get('tailLines'));
  if (c.url.searchParams.has('tailLines') && tail >= 0) {
    const lines = text.replace(/\n$/, '').split('\n');
    text = tail === 0 ? '' : lines.slice(-tail).join('\n') + '\n';
  }
  sendText(c.res, 200, text);
}
