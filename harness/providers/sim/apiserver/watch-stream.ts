import type { ServerResponse } from 'node:http';
import { groupOf, type KubeObject, type Store, type StoreEvent } from './store.ts';
import type { ResourceInfo } from './resources.ts';
import { statusBody } from './responses.ts';

/**
 * `?watch=true` as the API server streams it: HTTP 200, chunked, one JSON watch event per line.
 * - resourceVersion unset (or "0"): synthetic ADDED events for what exists now, then changes
 *   (unless sendInitialEvents=false);
 * - resourceVersion N: every change after N, replayed from the store's history; when N is older
 *   than the history, a single ERROR event carrying a 410 Expired Status (what kube-apiserver
 *   sends), and the stream ends: clients re-list;
 * - sendInitialEvents=true: initial ADDED events, then a BOOKMARK annotated
 *   `k8s.io/initial-events-end` (the WatchList protocol);
 * - allowWatchBookmarks: a BOOKMARK with the current resourceVersion every BOOKMARK_INTERVAL_MS;
 * - timeoutSeconds: the server ends the stream after that long;
 * - dropAfterMs (--sim-faults watch-drop): the connection is closed after that long, as a load
 *   balancer or a restarting server would; clients resume from the last resourceVersion they saw.
 * Events are filtered on the new object only: an object that stops matching a selector is not
 * turned into a DELETED event (a real server does that).
 */

export const BOOKMARK_INTERVAL_MS = 10_000;

export interface WatchRequest {
  store: Store;
  info: ResourceInfo;
  namespace?: string;
  query: URLSearchParams;
  matches: (obj: KubeObject) => boolean;
  /** Renders an object as this request wants it (its apiVersion; a Table row when asked). */
  render: (obj: KubeObject) => unknown;
  /** Close the connection after this long (a fault the sim injects). */
  dropAfterMs?: number;
}

export function serveWatch(res: ServerResponse, w: WatchRequest): () => void {
  const { store, info, query } = w;
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  const relevant = (obj: KubeObject) =>
    obj.kind === info.kind &&
    groupOf(obj.apiVersion) === info.group &&
    (w.namespace === undefined || obj.metadata.namespace === w.namespace) &&
    w.matches(obj);

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  const send = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const sendEvent = (e: StoreEvent) => {
    if (relevant(e.object)) send(e.type, w.render(e.object));
  };
  const bookmark = (annotations?: Record<string, string>) =>
    send('BOOKMARK', {
      kind: info.kind,
      apiVersion,
      metadata: { resourceVersion: store.resourceVersion(), ...(annotations ? { annotations } : {}) },
    });

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};
  const stop = () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  res.on('close', stop);

  const rv = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents');
  // Subscribe and replay in the same tick: nothing can be written in between, so no gap, no duplicate.
  if (rv === '' || rv === '0' || sendInitial === 'true') {
    if (sendInitial !== 'false') {
      for (const obj of store.list(apiVersion, info.kind, w.namespace))
        if (w.matches(obj)) send('ADDED', w.render(obj));
    }
    if (sendInitial === 'true') bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const missed = store.eventsSince(rv);
    if (!missed) {
      send('ERROR', statusBody(410, 'Expired', `too old resource version: ${rv} (${store.resourceVersion()})`));
      stop();
      return stop;
    }
    for (const e of missed) sendEvent(e);
  }
  unsubscribe = store.subscribe(sendEvent);

  if (query.get('allowWatchBookmarks') === 'true') {
    const tick = () => {
      bookmark();
      timers[0] = setTimeout(tick, BOOKMARK_INTERVAL_MS);
    };
    timers[0] = setTimeout(tick, BOOKMARK_INTERVAL_MS);
  }
  const timeout = Number(query.get('timeoutSeconds'));
  if (timeout > 0) timers.push(setTimeout(stop, timeout * 1000));
  if (w.dropAfterMs) timers.push(setTimeout(stop, w.dropAfterMs));
  return stop;
}
