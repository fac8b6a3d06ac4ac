import type { Kube } from '../../../kube/client.ts';
import { eventTime } from '../../../kube/events.ts';
import { describeRef, type KubeObject, type ObjectRef } from '../../../kube/types.ts';
import { secondsOf } from '../../../log.ts';
import { daemonSetReady } from '../install/metallb.ts';
import type { Endpoint, GatewayRef } from '../../types.ts';

/** What the reach diagnosis reads from the cluster. */
export type ReachKube = Pick<Kube, 'get' | 'list' | 'events'>;

/**
 * The label Gateway API implementations put on what they deploy for a Gateway; Istio sets it on
 * the Service (pilot/pkg/config/kube/gateway/deploymentcontroller.go, GatewayNameLabel), whose
 * name `<gateway>-istio` is only Istio's default.
 */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
/** EndpointSlices name their Service with this label (discovery.k8s.io/v1). */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const RECENT_EVENTS = 5;

/** Why a Gateway address did not answer, as far as the cluster tells. */
export interface ReachFacts {
  /** `Service ns/name (LoadBalancer 172.18.255.200)`, or why there is none. */
  service: string;
  /** `0 of 1 endpoints ready in 1 EndpointSlice`, or why unknown. */
  endpoints: string;
  /** `DaemonSet metallb-system/speaker: 1/1 pods Ready`, or why unknown. */
  speaker: string;
  /** Recent events of the Service and of the speaker's namespace, newest last. */
  events: string[];
  /** `kubectl` line that shows the Gateway's pods. */
  podsHint: string;
}

type Status = { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };

const ingressOf = (svc: KubeObject) =>
  ((svc.status as Status | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '');

/** The Gateway's Service: by the Gateway's name label, else the LoadBalancer Service holding its address. */
async function findService(kube: ReachKube, gateway: GatewayRef, target: Endpoint): Promise<KubeObject | undefined> {
  const byLabel = await kube.list('v1', 'Service', {
    namespace: gateway.namespace,
    labelSelector: `${GATEWAY_NAME_LABEL}=${gateway.name}`,
  });
  if (byLabel.length > 0) return byLabel[0];
  const all = await kube.list('v1', 'Service', { namespace: gateway.namespace });
  return all.find((svc) => ingressOf(svc).includes(target.host));
}

interface SliceEndpoint {
  conditions?: { ready?: boolean };
}

async function endpointsOf(kube: ReachKube, svc: KubeObject): Promise<string> {
  const slices = await kube.list('discovery.k8s.io/v1', 'EndpointSlice', {
    namespace: svc.metadata.namespace,
    labelSelector: `${SERVICE_NAME_LABEL}=${svc.metadata.name}`,
  });
  const endpoints = slices.flatMap((s) => ((s as { endpoints?: SliceEndpoint[] }).endpoints ?? []) as SliceEndpoint[]);
  // discovery.k8s.io/v1: a nil ready condition means ready.
  const ready = endpoints.filter((e) => e.conditions?.ready !== false).length;
  const plural = slices.length === 1 ? 'EndpointSlice' : 'EndpointSlices';
  return `${ready} of ${endpoints.length} endpoints ready in ${slices.length} ${plural}`;
}

async function speakerOf(kube: ReachKube, speaker: ObjectRef): Promise<string> {
  const ds = await kube.get(speaker);
  if (!ds) return `${describeRef(speaker)} does not exist`;
  const status = (ds.status ?? {}) as { numberReady?: number; desiredNumberScheduled?: number };
  const state = daemonSetReady(ds) ? 'ready' : 'not ready';
  return `${describeRef(speaker)}: ${status.numberReady ?? 0}/${status.desiredNumberScheduled ?? 0} pods Ready (${state})`;
}

function eventLine(e: KubeObject): string {
  const x = e as {
    type?: string;
    reason?: string;
    message?: string;
    involvedObject?: { kind?: string; name?: string };
  };
  const about = x.involvedObject ? `${x.involvedObject.kind} ${x.involvedObject.name}` : e.metadata.name;
  return `${eventTime(e)} ${x.type ?? ''} ${about} ${x.reason ?? ''}: ${(x.message ?? '').trim()}`.replace(/\s+/g, ' ');
}

async function recentEvents(kube: ReachKube, svc: KubeObject | undefined, speaker: ObjectRef): Promise<string[]> {
  const ofService = svc
    ? (await kube.events(svc.metadata.namespace!)).filter(
        (e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === svc.metadata.name,
      )
    : [];
  const ofMetallb = await kube.events(speaker.namespace!);
  return [...ofService.slice(-RECENT_EVENTS), ...ofMetallb.slice(-RECENT_EVENTS)].map(eventLine);
}

/** Each fact on its own, best effort: one that cannot be read says so instead of hiding the others. */
async function attempt<T>(what: string, read: () => Promise<T>, fallback: (why: string) => T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    return fallback(`${what} could not be read (${(error as Error).message.replace(/\.$/, '')})`);
  }
}

export async function gatherReachFacts(
  kube: ReachKube,
  gateway: GatewayRef,
  target: Endpoint,
  speaker: ObjectRef,
): Promise<ReachFacts> {
  const svc = await attempt(
    'the Service',
    () => findService(kube, gateway, target),
    () => undefined,
  );
  const service = svc
    ? `${describeRef({ apiVersion: 'v1', kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name })} ` +
      `(${(svc.spec as { type?: string } | undefined)?.type ?? 'ClusterIP'}, ${ingressOf(svc).join(', ') || 'no load-balancer address'})`
    : `no Service labelled ${GATEWAY_NAME_LABEL}=${gateway.name} or holding ${target.host} in namespace ${gateway.namespace}`;
  const endpoints = svc
    ? await attempt(
        'its EndpointSlices',
        () => endpointsOf(kube, svc),
        (why) => why,
      )
    : 'no endpoints (no Service)';
  return {
    service,
    endpoints,
    speaker: await attempt(
      describeRef(speaker),
      () => speakerOf(kube, speaker),
      (why) => why,
    ),
    events: await attempt(
      'events',
      () => recentEvents(kube, svc, speaker),
      (why) => [why],
    ),
    podsHint: `kubectl -n ${gateway.namespace} get pods -l ${GATEWAY_NAME_LABEL}=${gateway.name}`,
  };
}

/** One sentence for the error: what did not answer, what the cluster says, where to look next. */
export function unreachableMessage(gateway: GatewayRef, target: Endpoint, waitedMs: number, facts: ReachFacts): string {
  const where = describeRef({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...gateway });
  const events = facts.events.length ? facts.events.slice(-3).join(' | ') : 'none';
  return (
    `${target.host}:${target.port} (the address of ${where}) did not accept a TCP connection within ${secondsOf(waitedMs)} s, ` +
    `although the kind network is routable from this host: ${facts.service} has ${facts.endpoints}; ` +
    `MetalLB speaker ${facts.speaker}; recent events: ${events}; ` +
    `MetalLB answers ARP for the address only while the Service has a ready endpoint, so check the Gateway's pods (${facts.podsHint}).`
  );
}

/** The same facts as a diagnostics file, one per line. */
export function reachReport(gateway: GatewayRef, target: Endpoint, waitedMs: number, facts: ReachFacts): string {
  const where = describeRef({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ...gateway });
  return [
    `# ${where} not reachable at ${target.host}:${target.port}`,
    '',
    `No TCP connection within ${secondsOf(waitedMs)} s, although the kind network is routable from this host.`,
    '',
    `- Service: ${facts.service}`,
    `- endpoints: ${facts.endpoints}`,
    `- MetalLB speaker: ${facts.speaker}`,
    `- the Gateway's pods: \`${facts.podsHint}\``,
    '',
    '## Recent events (Service, then MetalLB)',
    '',
    ...(facts.events.length ? facts.events.map((e) => `- ${e}`) : ['- none']),
    '',
  ].join('\n');
}
