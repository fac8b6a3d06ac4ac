import type { HTTPRouteFilter, HTTPRouteMatch } from '../../../kube/gateway-api.ts';
import type { Endpoint } from '../../types.ts';
import type { CandidateRoute } from './route-match.ts';

/** What the controller programs into the data plane per listener, and how a Service resolves to an endpoint. */

/** Where a backendRef sends traffic: a Service, or nothing usable (the data plane answers 500). */
export type BackendTarget = ServiceTarget | { kind: 'invalid'; reason: string };

export interface ServiceTarget {
  kind: 'service';
  namespace: string;
  name: string;
  port?: number;
}

export interface DataPlaneBackend {
  weight: number;
  target: BackendTarget;
  /** The backendRef's own filters (header modifiers), applied after the rule's. */
  filters?: HTTPRouteFilter[];
}

export interface DataPlaneRule {
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backends: DataPlaneBackend[];
}

export type ListenerRoutes = CandidateRoute<DataPlaneRule>[];

/** A Service's endpoint right now: ready, known but without ready endpoints, or absent. */
export type ResolvedService = ReadyService | { status: 'no-endpoints' } | { status: 'missing' };

export interface ReadyService {
  status: 'ok';
  endpoint: Endpoint;
  /** How the access log names the upstream host. */
  upstreamHost: string;
}
