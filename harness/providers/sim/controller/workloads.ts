import { createHash, randomBytes } from 'node:crypto';
import type { Endpoint } from '../../types.ts';
import type { BackendServer } from '../dataplane/backend-server.ts';
import { recordEvent } from '../apiserver/events.ts';
import { isDeepFrozen } from '../deep-freeze.ts';
import { sameJson } from '../json.ts';
import { setConditions } from './status-conditions.ts';
import { type KubeObject, StoreConflictError, type Store } from '../apiserver/store.ts';
import { emulationOf, startEmulation } from './container-emulations.ts';
import { containerEnv, type EnvVar } from './pod-env.ts';

/**
 * What the Deployment and ReplicaSet controllers and the kubelet do, reduced to what the harness
 * observes: each Deployment gets `replicas` Running+Ready Pods named `<deploy>-<hash>-<id>` with
 * the template's labels, and a status that says Available. A pod whose container image the sim
 * can emulate (container-emulations.ts: httpbin, echo-basic) gets a server on loopback standing in
 * for it, with the container's environment as the kubelet would build it (pod-env.ts).
 */

interface Container {
  name: string;
  image?: string;
  env?: EnvVar[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: Container[]; [key: string]: unknown };
}

// Kubernetes' SafeEncodeString alphabet: names without vowels or look-alike characters.
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function safeEncode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[bytes[i] % SAFE.length];
  return out;
}

/** Hashes of stored (deep-frozen, so unchanging) templates: every pass hashes every Deployment's. */
const storedTemplateHashes = new WeakMap<object, string>();

/** The pod-template-hash: a stable function of the template, so a template change rolls pods. */
export function templateHash(template: unknown): string {
  const stored = !!template && typeof template === 'object' && isDeepFrozen(template);
  const known = stored ? storedTemplateHashes.get(template) : undefined;
  if (known) return known;
  const hash = safeEncode(
    createHash('sha256')
      .update(JSON.stringify(template ?? {}))
      .digest(),
    10,
  );
  if (stored) storedTemplateHashes.set(template, hash);
  return hash;
}

/** Whether `rsName` is `<deploymentName>-<hash>`, the hash 10 characters of the SAFE alphabet. */
function isReplicaSetOf(rsName: string, deploymentName: string): boolean {
  if (rsName.length !== deploymentName.length + 11 || !rsName.startsWith(`${deploymentName}-`)) return false;
  for (const c of rsName.slice(-10)) if (!SAFE.includes(c)) return false;
  return true;
}

/** Whether a Pod belongs to Deployment `name` (its owner ReplicaSet is `<name>-<hash>`). */
export function podOwnedBy(pod: KubeObject, deploymentName: string): boolean {
  const owners = (pod.metadata.ownerReferences ?? []) as { kind: string; name: string }[];
  return owners.some((o) => o.kind === 'ReplicaSet' && isReplicaSetOf(o.name, deploymentName));
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class Workloads {
  /** pod key -> the server standing in for that pod's container. */
  private readonly backends = new Map<string, BackendServer>();
  /** Deployments seen last pass, so deleting one also deletes its pods. */
  private readonly known = new Map<string, { namespace: string; name: string }>();
  private nextIp = 10;

  constructor(
    private readonly store: Store,
    private readonly now: () => string,
  ) {}

  private stopped = false;

  async reconcile(): Promise<void> {
    const deployments = this.store.list('apps/v1', 'Deployment');
    const seen = new Set<string>();
    for (const d of deployments) {
      const k = key(d.metadata.namespace, d.metadata.name);
      seen.add(k);
      this.known.set(k, { namespace: d.metadata.namespace ?? 'default', name: d.metadata.name });
      await this.reconcileDeployment(d);
    }
    for (const [k, d] of [...this.known]) {
      if (seen.has(k)) continue;
      this.known.delete(k);
      for (const pod of this.store.list('v1', 'Pod', d.namespace)) {
        if (podOwnedBy(pod, d.name)) this.deletePod(pod);
      }
    }
    await this.closeOrphanedBackends();
  }

  /** A server per running pod with an emulated container; started once per pod. */
  private async ensureBackend(pod: KubeObject, containers: Container[]): Promise<void> {
    const podKey = key(pod.metadata.namespace, pod.metadata.name);
    if (this.backends.has(podKey)) return;
    for (const c of containers) {
      const env = containerEnv(c.env, pod);
      const emulation = emulationOf(c.image, env);
      if (!emulation) continue;
      const server = await startEmulation(emulation, env);
      // stop() ran, or the pod went, while the server was starting: nobody else would close it.
      if (this.stopped || this.backends.has(podKey)) return void (await server.close());
      this.backends.set(podKey, server);
      return;
    }
  }

  /** Servers whose pod is gone (deleted with its Deployment, rolled, or deleted by hand). */
  private async closeOrphanedBackends(): Promise<void> {
    for (const [podKey, server] of [...this.backends]) {
      const [namespace, name] = podKey.split('/');
      if (this.store.get('v1', 'Pod', namespace || undefined, name)) continue;
      this.backends.delete(podKey);
      await server.close();
    }
  }

  private async reconcileDeployment(d: KubeObject): Promise<void> {
    const namespace = d.metadata.namespace ?? 'default';
    const spec = (d.spec ?? {}) as { replicas?: number; template?: PodTemplate };
    const replicas = spec.replicas ?? 1;
    const template = spec.template ?? {};
    const hash = templateHash(template);
    const rsName = `${d.metadata.name}-${hash}`;

    const pods = this.store.list('v1', 'Pod', namespace).filter((p) => podOwnedBy(p, d.metadata.name));
    let current = 0;
    for (const pod of pods) {
      const owner = ((pod.metadata.ownerReferences ?? []) as { name: string }[])[0]?.name;
      if (owner !== rsName || current >= replicas) this.deletePod(pod);
      else current++;
    }
    if (current < replicas) {
      recordEvent(
        this.store,
        d,
        {
          reason: 'ScalingReplicaSet',
          message: `Scaled up replica set ${rsName} from ${current} to ${replicas}`,
          component: 'deployment-controller',
        },
        this.now(),
      );
    }
    for (; current < replicas; current++) this.createPod(d, template, hash, rsName);
    const containers = template.spec?.containers ?? [];
    for (const pod of this.store.list('v1', 'Pod', namespace).filter((p) => podOwnedBy(p, d.metadata.name)))
      await this.ensureBackend(pod, containers);

    const latest = this.store.get('apps/v1', 'Deployment', namespace, d.metadata.name);
    if (!latest) return;
    const status = this.deploymentStatus(latest, replicas, rsName);
    if (!sameJson(latest.status, status)) this.store.updateStatus({ ...latest, status });
  }

  private deploymentStatus(d: KubeObject, replicas: number, rsName: string): Record<string, unknown> {
    const existing = (d.status ?? {}) as { conditions?: never[] };
    const now = this.now();
    const conditions = setConditions(
      existing.conditions,
      [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
      ],
      d.metadata.generation ?? 1,
      now,
    ).map(({ observedGeneration: _g, ...c }) => ({ ...c, lastUpdateTime: c.lastTransitionTime }));
    return {
      observedGeneration: d.metadata.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions,
    };
  }

  private createPod(d: KubeObject, template: PodTemplate, hash: string, rsName: string): void {
    const namespace = d.metadata.namespace ?? 'default';
    const name = `${rsName}-${safeEncode(randomBytes(5), 5)}`;
    // Unique while the sim runs (EndpointSlices name pods by IP): 10.244.0.10, ... 10.244.0.255, 10.244.1.0, ...
    const n = this.nextIp++;
    const ip = `10.244.${Math.floor(n / 256) % 256}.${n % 256}`;
    const now = this.now();
    const containers = template.spec?.containers ?? [];
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash },
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rsName,
            uid: d.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { ...(template.spec ?? {}), nodeName: 'kindgate-sim-control-plane' },
      status: {
        phase: 'Running',
        hostIP: '172.18.0.2',
        podIP: ip,
        podIPs: [{ ip }],
        startTime: now,
        conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
          (type) => ({
            type,
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: now,
          }),
        ),
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: now } },
        })),
      },
    };
    try {
      const created = this.store.create(pod);
      recordEvent(
        this.store,
        created,
        {
          reason: 'Scheduled',
          message: `Successfully assigned ${namespace}/${name} to kindgate-sim-control-plane`,
          component: 'default-scheduler',
        },
        now,
      );
      for (const c of containers) {
        recordEvent(
          this.store,
          created,
          { reason: 'Started', message: `Started container ${c.name}`, component: 'kubelet' },
          now,
        );
      }
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }

  private deletePod(pod: KubeObject): void {
    this.store.delete('v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
  }

  /** The loopback servers standing in for the Ready pods a label selector picks in a namespace. */
  endpointsFor(namespace: string, selector: Record<string, string>): Endpoint[] {
    // A Service without a selector has no managed endpoints.
    if (Object.keys(selector).length === 0) return [];
    const endpoints: Endpoint[] = [];
    for (const pod of this.store.list('v1', 'Pod', namespace)) {
      const labels = pod.metadata.labels ?? {};
      if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
      const server = this.backends.get(key(namespace, pod.metadata.name));
      if (server) endpoints.push(server.endpoint);
    }
    return endpoints;
  }

  /** The loopback servers standing in for the pods with these IPs (EndpointSlice addresses), in any namespace. */
  endpointsAt(ips: Set<string>): Endpoint[] {
    const endpoints: Endpoint[] = [];
    for (const pod of this.store.list('v1', 'Pod')) {
      if (!ips.has(((pod.status ?? {}) as { podIP?: string }).podIP ?? '')) continue;
      const server = this.backends.get(key(pod.metadata.namespace, pod.metadata.name));
      if (server) endpoints.push(server.endpoint);
    }
    return endpoints;
  }

  /** Logs of a pod backed by an emulated container; undefined when the pod is not one of those. */
  backendLogs(namespace: string, pod: string): string | undefined {
    return this.backends.get(key(namespace, pod))?.logs();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.backends.values()].map((b) => b.close()));
    this.backends.clear();
  }
}
