import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from './api-error.ts';
import type { ApiFaults } from './faults.ts';
import type { ResourceInfo, ResourceRegistry } from './resources.ts';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import type { KubeObject, Store } from './store.ts';

/** What every handler of one API server shares: its storage, its resources and its open watches. */
export interface ServerContext {
  store: Store;
  registry: ResourceRegistry;
  podLogs?: (namespace: string, pod: string, container?: string) => string | undefined;
  /** Open watch streams; each entry stops one (the server stops them all on close). */
  watches: Set<() => void>;
  /** Faults to inject (--sim-faults); none when undefined. */
  faults?: ApiFaults;
}

/** A request for a non-resource path (health, version, OpenAPI, discovery). */
export interface PathRequest {
  req: IncomingMessage;
  res: ServerResponse;
  server: ServerContext;
  /** The URL path without trailing slashes (`/` for the root). */
  path: string;
  /** The path's segments, URL-decoded. */
  segments: string[];
}

/** A request for a resource: `/api/v1/namespaces/ns/pods/name/log` and the like, already resolved. */
export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  server: ServerContext;
  url: URL;
  info: ResourceInfo;
  /** The group/version the client asked for; objects are answered in it. */
  apiVersion: string;
  namespace?: string;
  /** The object's name; undefined for the collection. A create fills it in from the body. */
  name?: string;
  /** `status` or `log`. */
  sub?: string;
}

/** The stored object the request names, in the request's apiVersion. */
export function storedObject(c: ResourceRequest): KubeObject | undefined {
  return c.server.store.get(c.apiVersion, c.info.kind, c.namespace, c.name!);
}

/** The request's labelSelector and fieldSelector as one predicate; a bad selector is a 400. */
export function selectorOf(c: ResourceRequest): (obj: KubeObject) => boolean {
  try {
    const labels = parseLabelSelector(c.url.searchParams.get('labelSelector'));
    const fields = parseFieldSelector(c.url.searchParams.get('fieldSelector'), c.info.kind);
    return (obj) => labels(obj) && fields(obj);
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}

/** `?dryRun=All`: validate and answer, store nothing. */
export function isDryRun(c: ResourceRequest): boolean {
  return c.url.searchParams.getAll('dryRun').includes('All');
}

export function isWatch(c: ResourceRequest): boolean {
  return c.url.searchParams.get('watch') === 'true' || c.url.searchParams.get('watch') === '1';
}

/** The field manager of a write: `?fieldManager`, else the client's user-agent product, as the server defaults it. */
export function managerOf(c: ResourceRequest): string {
  return (
    c.url.searchParams.get('fieldManager') ||
    String(c.req.headers['user-agent'] ?? 'unknown').split('/')[0] ||
    'unknown'
  );
}

/** The media type of the request body, without parameters. */
export function contentTypeOf(c: ResourceRequest, fallback = ''): string {
  return (c.req.headers['content-type'] ?? fallback).split(';')[0].trim();
}
