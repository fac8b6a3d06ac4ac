import type { OutgoingHttpHeaders } from 'node:http';
import type { HTTPHeaderModifier, HTTPRouteFilter } from '../../../kube/gateway-api.ts';

/** Header lists keyed by lower-case name, as a proxy holds them between hops. */
export type HeaderMap = Map<string, string[]>;

/** Connection-scoped headers a proxy never forwards (RFC 9110 section 7.6.1). */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/** Node's rawHeaders (name, value, name, value...) as a HeaderMap, repeats kept in order. */
export function toHeaderMap(raw: string[]): HeaderMap {
  const map: HeaderMap = new Map();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    map.set(name, [...(map.get(name) ?? []), raw[i + 1]]);
  }
  return map;
}

/** The end-to-end headers of a message: rawHeaders without the hop-by-hop ones. */
export function endToEndHeaders(raw: string[]): HeaderMap {
  const map = toHeaderMap(raw);
  for (const name of HOP_BY_HOP) map.delete(name);
  return map;
}

/** A HeaderMap for node:http: one value as a string, repeats as an array. */
export function headersObject(map: HeaderMap): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of map) out[k] = v.length === 1 ? v[0] : v;
  return out;
}

/** RequestHeaderModifier / ResponseHeaderModifier: set replaces, add appends, remove deletes. */
export function applyHeaderModifier(headers: HeaderMap, mod: HTTPHeaderModifier | undefined): void {
  if (!mod) return;
  for (const h of mod.set ?? []) headers.set(h.name.toLowerCase(), [h.value]);
  for (const h of mod.add ?? [])
    headers.set(h.name.toLowerCase(), [...(headers.get(h.name.toLowerCase()) ?? []), h.value]);
  for (const name of mod.remove ?? []) headers.delete(name.toLowerCase());
}

/** Apply every filter of one kind (request or response header modifiers), in order. */
export function applyHeaderFilters(
  headers: HeaderMap,
  filters: HTTPRouteFilter[],
  which: 'RequestHeaderModifier' | 'ResponseHeaderModifier',
): void {
  for (const f of filters) {
    if (f.type !== which) continue;
    applyHeaderModifier(
      headers,
      which === 'RequestHeaderModifier' ? f.requestHeaderModifier : f.responseHeaderModifier,
    );
  }
}
