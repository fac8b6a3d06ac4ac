import type { RunOptions } from '../config/options.ts';
import type { RenderedFixture } from './fixtures.ts';
import { Kube } from '../kube/client.ts';
import { conditionsOf, findCondition } from '../kube/conditions.ts';
import { SetupError } from '../errors.ts';
import { describeRef, type KubeObject, type ObjectRef } from '../kube/types.ts';
import { timedStep, type Logger } from '../log.ts';
import { timedPhase } from '../timings.ts';
import type { Profile } from '../profiles/types.ts';
import type { Provider, StartHooks } from '../providers/types.ts';
import { endpointKey, type ClusterHandle, type ParentInfo, type RouteInfo } from './handle.ts';

export interface Provisioned {
  handle: ClusterHandle;
  kube: Kube;
  fixtures: RenderedFixture[];
}

/**
 * What a run has done to the cluster so far, filled in as it goes so teardown knows what to
 * undo even when provisioning stops half-way.
 */
export interface RunFootprint {
  kube?: Kube;
  /** Owned namespaces (see RunOptions.ownedNamespaces) that did not exist before this run. */
  createdNamespaces: string[];
}

/**
 * Pipeline steps 3–5 and endpoint resolution: start the provider, apply the fixtures, wait for
 * the backends, and find where each Gateway listener is reached. The caller owns teardown
 * (provider.stop) whether this resolves or throws.
 */
export async function provision(
  options: RunOptions,
  profile: Profile,
  provider: Provider,
  fixtures: RenderedFixture[],
  log: Logger,
  footprint: RunFootprint,
  hooks?: StartHooks,
): Promise<Provisioned> {
  await provider.start(log, hooks);
  const kube = Kube.fromFile(provider.kubeconfigPath(), options.context);
  footprint.kube = kube;
  const objects = fixtures.flatMap((f) => f.objects);

  for (const name of options.ownedNamespaces) {
    if (!(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name }))) footprint.createdNamespaces.push(name);
  }
  await timedStep(
    log,
    `fixtures applied (${objects.length} objects)`,
    () => kube.apply(objects, { fieldManager: 'kindgate', namespace: options.namespace }),
    { phase: 'fixtures applied', detail: `${objects.length} objects` },
  );
  await timedStep(log, 'backends available', () => waitForDeployments(kube, objects, options.timeouts.backendsMs), {
    phase: 'backends Available',
  });

  const gateways = objects.filter(isGateway).map((gw) => ({
    namespace: gw.metadata.namespace ?? options.namespace,
    name: gw.metadata.name,
    listeners: ((gw.spec as { listeners?: { name: string }[] }).listeners ?? []).map((l) => l.name),
    className: (gw.spec as { gatewayClassName?: string } | undefined)?.gatewayClassName,
  }));
  const endpoints = await timedStep(
    log,
    'gateway endpoints resolved',
    () => resolveEndpoints(kube, provider, gateways, options, profile, log),
    { phase: 'endpoints resolved' },
  );

  const handle: ClusterHandle = {
    provider: provider.name,
    kubeconfigPath: provider.kubeconfigPath(),
    context: options.context,
    profile: {
      name: profile.name,
      gatewayClassName: profile.gatewayClassName,
      controllerName: profile.controllerName,
      serverHeader: { source: profile.serverHeader.source, flags: profile.serverHeader.flags },
    },
    hostname: options.hostname,
    namespaces: [
      ...new Set(
        objects
          .map((o) => (o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace))
          .filter((n): n is string => !!n),
      ),
    ],
    gateways,
    routes: objects.filter(isRoute).map((r) => routeInfo(r, options.namespace)),
    endpoints,
    timeouts: options.timeouts,
  };
  return { handle, kube, fixtures };
}

const GATEWAY_API_V1 = 'gateway.networking.k8s.io/v1';
const isGateway = (o: KubeObject) => o.kind === 'Gateway' && o.apiVersion.startsWith('gateway.networking.k8s.io/');
const isRoute = (o: KubeObject) =>
  ['HTTPRoute', 'GRPCRoute'].includes(o.kind) && o.apiVersion.startsWith('gateway.networking.k8s.io/');

function routeInfo(route: KubeObject, defaultNamespace: string): RouteInfo {
  const namespace = route.metadata.namespace ?? defaultNamespace;
  const spec = route.spec as {
    hostnames?: string[];
    parentRefs?: {
      group?: string;
      kind?: string;
      name: string;
      namespace?: string;
      sectionName?: string;
      port?: number;
    }[];
  };
  const parents: ParentInfo[] = (spec.parentRefs ?? [])
    .filter(
      (p) =>
        (p.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io' && (p.kind ?? 'Gateway') === 'Gateway',
    )
    .map((p) => ({ namespace: p.namespace ?? namespace, name: p.name, sectionName: p.sectionName, port: p.port }));
  return { namespace, name: route.metadata.name, kind: route.kind, hostnames: spec.hostnames ?? [], parents };
}

/** Available=True for the Deployment's latest generation (status.observedGeneration caught up). */
function deploymentAvailable(obj: KubeObject | undefined): boolean {
  if (!obj) return false;
  const observed = (obj.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0;
  return observed >= (obj.metadata.generation ?? 0) && findCondition(conditionsOf(obj), 'Available')?.status === 'True';
}

/** Ready=True, or finished (a completed Job pod is not waited for). */
function podReady(obj: KubeObject | undefined): boolean {
  const phase = (obj?.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || findCondition(conditionsOf(obj), 'Ready')?.status === 'True';
}

const deploymentRef = (d: KubeObject) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: d.metadata.namespace,
  name: d.metadata.name,
});

/** Every Deployment of the fixtures must report Available=True for its latest generation. */
async function waitForDeployments(kube: Kube, objects: KubeObject[], timeoutMs: number): Promise<void> {
  const deployments = objects.filter((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1');
  await Promise.all(
    deployments.map((d) =>
      kube.waitFor(deploymentRef(d), deploymentAvailable, {
        timeoutMs,
        what: 'Available=True (is the image pullable and the pod healthy?)',
      }),
    ),
  );
}

/**
 * Every Deployment Available and every Pod Ready in a namespace, whoever created them (the
 * implementation's gateway proxies included), as upstream conformance's NamespacesMustBeReady
 * does before it sends traffic: a Gateway's address exists before its proxy can answer.
 */
async function waitForNamespaceReady(kube: Kube, namespace: string, timeoutMs: number): Promise<void> {
  const deployments = await kube.list('apps/v1', 'Deployment', { namespace });
  await Promise.all(
    deployments.map((d) => kube.waitFor(deploymentRef(d), deploymentAvailable, { timeoutMs, what: 'Available=True' })),
  );
  const pods = await kube.list('v1', 'Pod', { namespace });
  await Promise.all(
    pods.map((p) =>
      kube.waitFor(
        { apiVersion: 'v1', kind: 'Pod', namespace, name: p.metadata.name },
        (obj) => !obj || podReady(obj),
        { timeoutMs, what: 'Ready=True' },
      ),
    ),
  );
}

/**
 * Wait for each Gateway to get an address, then ask the provider how to reach each listener.
 * Failures are recorded per listener: the suites report them, with the Gateway's own state.
 */
async function resolveEndpoints(
  kube: Kube,
  provider: Provider,
  gateways: (ClusterHandle['gateways'][number] & { className?: string })[],
  options: RunOptions,
  profile: Profile,
  log: Logger,
): Promise<ClusterHandle['endpoints']> {
  const endpoints: ClusterHandle['endpoints'] = {};
  await refuseMissingGatewayClasses(kube, gateways, profile);
  await Promise.all(
    gateways.map(async (gw) => {
      try {
        await timedPhase(
          log.phases,
          `Gateway ${gw.name} Programmed with an address`,
          () =>
            kube.waitFor(
              { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace: gw.namespace, name: gw.name },
              (obj) => addressesOf(obj).length > 0,
              { timeoutMs: options.timeouts.gatewayMs, what: 'an address in status.addresses' },
            ),
          (obj) => gatewayDetail(gw, obj),
        );
        await timedPhase(log.phases, `Gateway ${gw.name} pods Ready`, () =>
          waitForNamespaceReady(kube, gw.namespace, options.timeouts.gatewayMs),
        );
      } catch (error) {
        for (const listener of gw.listeners)
          endpoints[endpointKey(gw.namespace, gw.name, listener)] = { error: (error as Error).message };
        log.warn((error as Error).message);
        return;
      }
      for (const listener of gw.listeners) {
        try {
          endpoints[endpointKey(gw.namespace, gw.name, listener)] = await provider.endpoint(gw, listener);
        } catch (error) {
          endpoints[endpointKey(gw.namespace, gw.name, listener)] = { error: (error as Error).message };
          log.warn((error as Error).message);
        }
      }
    }),
  );
  return endpoints;
}

function addressesOf(gw: KubeObject | undefined): string[] {
  const addresses = (gw?.status as { addresses?: { value?: string }[] } | undefined)?.addresses ?? [];
  return addresses.map((a) => a.value).filter((v): v is string => !!v);
}

/**
 * The phase detail of a Gateway that got its address: the address, and whether it was Programmed
 * then (the run waits for the address; the gateway suite checks Programmed).
 */
function gatewayDetail(gw: { namespace: string; name: string }, obj: KubeObject): string {
  const programmed = findCondition(conditionsOf(obj), 'Programmed');
  const state = programmed
    ? `Programmed=${programmed.status}${programmed.status === 'True' ? '' : ` (${programmed.reason})`}`
    : 'no Programmed condition yet';
  return `${gw.namespace}/${gw.name}: ${addressesOf(obj).join(', ')}; ${state}`;
}

function missingClassMessage(gateway: ObjectRef, className: string, profileClass: string): string {
  return (
    `${describeRef(gateway)} names gatewayClassName "${className}", and the cluster has no GatewayClass ${className} ` +
    `(the profile's class is ${profileClass}); set spec.gatewayClassName to {{gatewayClassName}} in the fixture, ` +
    `or create GatewayClass ${className}.`
  );
}

/**
 * No controller ever answers a Gateway whose class does not exist: its wait would only run out.
 * By now the implementation is installed and its own class accepted, so a class missing at the
 * start of the wait is missing for good, and is said at once.
 */
async function refuseMissingGatewayClasses(
  kube: Kube,
  gateways: { namespace: string; name: string; className?: string }[],
  profile: Profile,
): Promise<void> {
  const present = new Map<string, boolean>();
  for (const gw of gateways) {
    if (!gw.className) continue;
    if (!present.has(gw.className)) {
      const found = await kube.get({ apiVersion: GATEWAY_API_V1, kind: 'GatewayClass', name: gw.className });
      present.set(gw.className, found !== undefined);
    }
    if (present.get(gw.className)) continue;
    const ref = {
      apiVersion: GATEWAY_API_V1,
      kind: 'Gateway',
      namespace: gw.namespace,
      name: gw.name,
    };
    throw new SetupError(missingClassMessage(ref, gw.className, profile.gatewayClassName));
  }
}

/** Remove the namespaces this run created, where the cluster itself outlives the run. */
export async function removeRunNamespaces(footprint: RunFootprint, log: Logger): Promise<void> {
  const { kube } = footprint;
  if (!kube) return;
  for (const name of footprint.createdNamespaces.splice(0)) {
    try {
      await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name });
    } catch (error) {
      log.warn(`Could not delete namespace ${name}: ${(error as Error).message}`);
    }
  }
}
