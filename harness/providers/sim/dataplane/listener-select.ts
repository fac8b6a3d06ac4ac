import { hostRank } from './route-match.ts';

/**
 * Which of the listeners sharing a port a request belongs to: the one whose hostname matches the
 * request's Host most specifically (exact, then the longest wildcard, then a listener without a
 * hostname), as the Gateway API asks of listeners on one port (GatewayHTTPListenerIsolation:
 * "requests SHOULD be matched to the most specific listener"). Only that listener's routes
 * compete for the request.
 */
export function selectListener<L extends { name: string; hostname?: string }>(
  listeners: L[],
  host: string,
): L | undefined {
  let best: L | undefined;
  let bestRank = -1;
  for (const l of listeners) {
    const rank = hostRank(l.hostname ?? '*', host);
    if (rank > bestRank) {
      best = l;
      bestRank = rank;
    }
  }
  return best;
}
