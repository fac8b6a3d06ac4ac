import type { GatewayRef } from '../../types.ts';

/**
 * `--sim-faults dataplane-503=N`: each route's first N requests are answered 503 "no healthy
 * upstream", as Envoy answers while a new route's endpoints are not programmed yet. The suites'
 * eventual checks must ride it out (upstream conformance: N consecutive matches within a window).
 */
export class FirstRequestsUnavailable {
  private readonly seen = new Map<string, number>();

  constructor(private readonly perRoute: number) {}

  /** Count a request to `route`; true while it is one of the route's first N. */
  take(route: GatewayRef): boolean {
    const key = `${route.namespace}/${route.name}`;
    const count = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, count);
    return count <= this.perRoute;
  }
}
