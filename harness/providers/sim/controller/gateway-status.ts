import { GATEWAY_GROUP, type Listener, type RouteGroupKind } from '../../../kube/gateway-api.ts';
import type { Condition } from '../../../kube/types.ts';
import type { ServingCertificate } from '../dataplane/tls-termination.ts';
import type { CertificateResolution } from './listener-certificates.ts';
import { type DesiredCondition, humanReadableJoin, setConditions } from './status-conditions.ts';

/**
 * Gateway and listener status, written the way Istio writes it (pilot's gateway conditions):
 * condition types in alphabetical order, "No errors found" on healthy listeners, and
 * Programmed=False/AddressNotAssigned while the LoadBalancer Service has no address.
 */

/** Protocols the sim's loopback data plane serves (HTTPS: terminated with the listener's certificates). */
const SERVED_PROTOCOLS = new Set(['HTTP', 'HTTPS']);

export interface ListenerEvaluation {
  listener: Listener;
  /** Routes may attach (accepted, not conflicted). */
  attachable: boolean;
  /** The data plane can serve it (attachable, and an HTTPS listener's certificates resolved). */
  servable: boolean;
  /** HTTPS: the certificates to terminate TLS with. */
  certificates?: ServingCertificate[];
  supportedKinds: RouteGroupKind[];
  conditions: DesiredCondition[];
}

/** How an HTTPS listener's certificateRefs resolve (listener-certificates.ts). */
export type CertificateResolver = (listener: Listener) => CertificateResolution;

interface GatewayStatus {
  addresses?: { type: string; value: string }[];
  conditions?: Condition[];
  listeners?: {
    name: string;
    supportedKinds: RouteGroupKind[];
    attachedRoutes: number;
    conditions: Condition[];
  }[];
  [key: string]: unknown;
}

const OK = 'No errors found';

function supportedKindsFor(l: Listener): { kinds: RouteGroupKind[]; valid: boolean } {
  const supported: RouteGroupKind[] = SERVED_PROTOCOLS.has(l.protocol)
    ? [
        { group: GATEWAY_GROUP, kind: 'HTTPRoute' },
        { group: GATEWAY_GROUP, kind: 'GRPCRoute' },
      ]
    : [];
  const wanted = l.allowedRoutes?.kinds;
  if (!wanted || wanted.length === 0) return { kinds: supported, valid: true };
  // Like Istio: report the supported subset; any kind we cannot serve makes ResolvedRefs False.
  const kinds = supported.filter((s) =>
    wanted.some((w) => (w.group ?? GATEWAY_GROUP) === s.group && w.kind === s.kind),
  );
  return { kinds, valid: kinds.length === wanted.length };
}

/** Which listeners conflict: same port with another protocol, or same port+protocol+hostname. */
function conflicts(listeners: Listener[]): Map<string, 'ProtocolConflict' | 'HostnameConflict'> {
  const out = new Map<string, 'ProtocolConflict' | 'HostnameConflict'>();
  for (const a of listeners) {
    for (const b of listeners) {
      if (a === b || a.port !== b.port) continue;
      if (a.protocol !== b.protocol) out.set(a.name, 'ProtocolConflict');
      else if ((a.hostname ?? '') === (b.hostname ?? '') && !out.has(a.name)) out.set(a.name, 'HostnameConflict');
    }
  }
  return out;
}

/** ResolvedRefs: the certificates first (HTTPS), then the route kinds. */
function resolvedRefs(kindsValid: boolean, certs: CertificateResolution | undefined): DesiredCondition {
  if (certs && !certs.ok)
    return { type: 'ResolvedRefs', status: 'False', reason: certs.reason, message: certs.message };
  return kindsValid
    ? { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: OK }
    : { type: 'ResolvedRefs', status: 'False', reason: 'InvalidRouteKinds', message: 'Invalid route kinds' };
}

export function evaluateListeners(
  listeners: Listener[],
  resolveCertificates?: CertificateResolver,
): ListenerEvaluation[] {
  const conflicted = conflicts(listeners);
  return listeners.map((listener) => {
    const { kinds, valid: kindsValid } = supportedKindsFor(listener);
    const served = SERVED_PROTOCOLS.has(listener.protocol);
    const conflict = conflicted.get(listener.name);
    const certs =
      served && listener.protocol === 'HTTPS'
        ? (resolveCertificates?.(listener) ??
          ({ ok: false, reason: 'InvalidCertificateRef', message: 'no certificates' } as const))
        : undefined;
    const certsOk = !certs || certs.ok;
    const conditions: DesiredCondition[] = [
      served
        ? { type: 'Accepted', status: 'True', reason: 'Accepted', message: OK }
        : {
            type: 'Accepted',
            status: 'False',
            reason: 'UnsupportedProtocol',
            message: `protocol ${listener.protocol} is not supported by the kindgate sim data plane (it serves HTTP and HTTPS)`,
          },
      conflict
        ? {
            type: 'Conflicted',
            status: 'True',
            reason: conflict,
            message: `listener conflicts with another listener on port ${listener.port}`,
          }
        : { type: 'Conflicted', status: 'False', reason: 'NoConflicts', message: OK },
      served && !conflict && certsOk
        ? { type: 'Programmed', status: 'True', reason: 'Programmed', message: OK }
        : { type: 'Programmed', status: 'False', reason: 'Invalid', message: 'listener is not served' },
      resolvedRefs(kindsValid, certs),
    ];
    const attachable = served && !conflict;
    return {
      listener,
      attachable,
      servable: attachable && certsOk,
      ...(certs?.ok ? { certificates: certs.certificates } : {}),
      supportedKinds: kinds,
      conditions,
    };
  });
}

/**
 * A listener whose port the data plane could not bind at the Gateway's address: still Accepted
 * (its configuration is valid and the sim serves it, at another port), but Programmed=False with
 * the upstream reason for a port that cannot be used (ListenerReasonPortUnavailable,
 * apis/v1/gateway_types.go) and the bind error as the message.
 */
export function withPortUnavailable(evaluation: ListenerEvaluation, message: string | undefined): ListenerEvaluation {
  if (!message) return evaluation;
  return {
    ...evaluation,
    conditions: evaluation.conditions.map((c) =>
      c.type === 'Programmed' && c.status === 'True'
        ? { ...c, status: 'False', reason: 'PortUnavailable', message }
        : c,
    ),
  };
}

export interface GatewayStatusInput {
  generation: number;
  listeners: ListenerEvaluation[];
  /** Routes accepted per listener name. */
  attachedRoutes: Map<string, number>;
  /** In-cluster name of the generated Service, e.g. `gw-istio.ns.svc.cluster.local`. */
  serviceHost: string;
  /** The LoadBalancer address once assigned. */
  address?: string;
  /** Why spec.infrastructure.parametersRef cannot be used, when it cannot. */
  invalidParameters?: string;
}

/**
 * Accepted, with the upstream reasons (GatewayConditionReason in apis/v1/gateway_types.go):
 * InvalidParameters for a parametersRef that cannot be used; ListenersNotValid, False when no
 * listener is usable and True when only some are not.
 */
function acceptedCondition(input: GatewayStatusInput): DesiredCondition {
  if (input.invalidParameters)
    return { type: 'Accepted', status: 'False', reason: 'InvalidParameters', message: input.invalidParameters };
  const invalid = input.listeners.filter((l) => !l.attachable).map((l) => l.listener.name);
  if (invalid.length === 0)
    return { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Resource accepted' };
  if (invalid.length === input.listeners.length)
    return { type: 'Accepted', status: 'False', reason: 'ListenersNotValid', message: 'Invalid listeners' };
  return {
    type: 'Accepted',
    status: 'True',
    reason: 'ListenersNotValid',
    message: `Resource accepted, but listener(s) ${humanReadableJoin(invalid)} are invalid`,
  };
}

/** Istio's Programmed=False message while the Service waits for its LoadBalancer address. */
function addressPendingMessage(assigned: string[], serviceHost: string): string {
  return (
    `Assigned to service(s) ${humanReadableJoin(assigned)}, but failed to assign to all requested addresses: ` +
    `address pending for hostname "${serviceHost}"`
  );
}

export function buildGatewayStatus(
  existing: GatewayStatus | undefined,
  input: GatewayStatusInput,
  now: string,
): GatewayStatus {
  const ports = [...new Set(input.listeners.map((l) => l.listener.port))];
  const assigned = ports.map((p) => `${input.serviceHost}:${p}`).sort();
  const accepted = acceptedCondition(input);
  const programmed: DesiredCondition = input.invalidParameters
    ? { type: 'Programmed', status: 'False', reason: 'Invalid', message: 'Resource not accepted: not programmed' }
    : input.address
      ? {
          type: 'Programmed',
          status: 'True',
          reason: 'Programmed',
          message: `Resource programmed, assigned to service(s) ${humanReadableJoin(assigned)}`,
        }
      : {
          type: 'Programmed',
          status: 'False',
          reason: 'AddressNotAssigned',
          message: addressPendingMessage(assigned, input.serviceHost),
        };

  const previousListeners = existing?.listeners ?? [];
  const status: GatewayStatus = {
    ...(existing ?? {}),
    conditions: setConditions(existing?.conditions, [accepted, programmed], input.generation, now),
    listeners: input.listeners.map((l) => ({
      name: l.listener.name,
      supportedKinds: l.supportedKinds,
      attachedRoutes: input.attachedRoutes.get(l.listener.name) ?? 0,
      conditions: setConditions(
        previousListeners.find((p) => p.name === l.listener.name)?.conditions,
        l.conditions,
        input.generation,
        now,
      ),
    })),
  };
  if (input.address) status.addresses = [{ type: 'IPAddress', value: input.address }];
  else delete status.addresses;
  return status;
}
