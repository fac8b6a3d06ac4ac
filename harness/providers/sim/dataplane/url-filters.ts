import type { HTTPPathModifier, HTTPRequestRedirectFilter, HTTPRouteMatch } from '../../../kube/gateway-api.ts';
import { normalizeHost } from './route-match.ts';

/**
 * The RequestRedirect and URLRewrite filters (HTTPRoute v1), pure: where a redirect points and
 * what path/host a rewrite forwards.
 */

const WELL_KNOWN: Record<string, number> = { http: 80, https: 443 };

/**
 * Apply a path modifier. ReplacePrefixMatch replaces the matched PathPrefix by whole segments:
 * `/foo/bar` with prefix `/foo` and replacement `/xyz` becomes `/xyz/bar`.
 */
export function modifyPath(path: string, modifier: HTTPPathModifier | undefined, match: HTTPRouteMatch): string {
  if (!modifier) return path;
  if (modifier.type === 'ReplaceFullPath') return modifier.replaceFullPath ?? '/';
  const prefix = match.path?.value ?? '/';
  const trimmed = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const rest = trimmed === '/' ? path : path.slice(trimmed.length);
  const replacement = modifier.replacePrefixMatch ?? '/';
  let joined: string;
  if (replacement.endsWith('/') && rest.startsWith('/')) joined = replacement + rest.slice(1);
  else if (!replacement.endsWith('/') && rest !== '' && !rest.startsWith('/')) joined = `${replacement}/${rest}`;
  else joined = replacement + rest;
  if (joined.length > 1 && joined.endsWith('/') && !path.endsWith('/')) joined = joined.slice(0, -1);
  return joined || '/';
}

/**
 * The Location of a RequestRedirect, per the spec's port rules (well-known ports are omitted);
 * without a scheme in the filter, the request's (`http` unless given).
 */
export function redirectLocation(
  redirect: HTTPRequestRedirectFilter,
  req: { host: string; path: string; search: string; scheme?: string },
  match: HTTPRouteMatch,
  listenerPort: number,
): string {
  const scheme = redirect.scheme ?? req.scheme ?? 'http';
  const host = redirect.hostname ?? normalizeHost(req.host);
  const port = redirect.port ?? (redirect.scheme ? (WELL_KNOWN[redirect.scheme] ?? listenerPort) : listenerPort);
  const showPort = WELL_KNOWN[scheme] !== port;
  const path = modifyPath(req.path, redirect.path, match);
  return `${scheme}://${host}${showPort ? `:${port}` : ''}${path}${req.search}`;
}
