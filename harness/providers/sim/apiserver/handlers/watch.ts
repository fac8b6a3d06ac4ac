import type { ResourceRequest } from '../request.ts';
import { selectorOf } from '../request.ts';
import { toTable, wantsTable } from '../table.ts';
import { serveWatch } from '../watch-stream.ts';
import { includeObjectOf } from './read.ts';

/** `?watch=true` on a collection: the event stream (see ../watch-stream.ts), each object rendered as the client asked. */
export function watchObjects(c: ResourceRequest): void {
  const matches = selectorOf(c);
  const table = wantsTable(c.req.headers.accept);
  const stop = serveWatch(c.res, {
    store: c.server.store,
    info: c.info,
    namespace: c.namespace,
    query: c.url.searchParams,
    matches,
    dropAfterMs: c.server.faults?.watchDropMs,
    render: (obj) =>
      table ? toTable(c.info, [obj], { includeObject: includeObjectOf(c) }) : { ...obj, apiVersion: c.apiVersion },
  });
  c.server.watches.add(stop);
  c.res.on('close', () => c.server.watches.delete(stop));
}
