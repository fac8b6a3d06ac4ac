import type { KubeObject, Store } from './store.ts';
import { nowTimestamp } from '../timestamps.ts';

/**
 * The registry of resources the simulated API server serves: built-in kinds plus one entry per
 * served version of every CustomResourceDefinition in the store (so applying a CRD makes its
 * kind servable, as on a real cluster). The Gateway API CRDs are seeded at startup.
 */

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ResourceInfo {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Has a status subresource (writes to the main resource ignore status). */
  status: boolean;
  /** pods/log is served through the podLogs callback. */
  log?: boolean;
  /** Extra Table columns (CRDs: additionalPrinterColumns; built-ins: a few of kubectl's usual ones). */
  columns?: PrinterColumn[];
}

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function apiVersionOf(info: { group: string; version: string }): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** `gateways.gateway.networking.k8s.io` or `pods`: how error messages name a resource. */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

const col = (name: string, jsonPath: string, type = 'string', priority = 0): PrinterColumn => ({
  name,
  type,
  jsonPath,
  priority,
});

function builtin(
  group: string,
  kind: string,
  plural: string,
  opts: {
    cluster?: boolean;
    short?: string[];
    cat?: string[];
    status?: boolean;
    log?: boolean;
    columns?: PrinterColumn[];
  } = {},
): ResourceInfo {
  return {
    group,
    version: 'v1',
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced: !opts.cluster,
    shortNames: opts.short ?? [],
    categories: opts.cat ?? [],
    status: opts.status ?? false,
    log: opts.log,
    columns: opts.columns,
  };
}

export const BUILTIN_RESOURCES: ResourceInfo[] = [
  builtin('', 'Namespace', 'namespaces', {
    cluster: true,
    short: ['ns'],
    status: true,
    columns: [col('Status', '.status.phase')],
  }),
  builtin('', 'Node', 'nodes', { cluster: true, short: ['no'], status: true }),
  builtin('', 'Service', 'services', {
    short: ['svc'],
    cat: ['all'],
    status: true,
    columns: [
      col('Type', '.spec.type'),
      col('Cluster-IP', '.spec.clusterIP'),
      col('External-IP', '.status.loadBalancer.ingress[*].ip'),
      col('Port(s)', '.spec.ports[*].port'),
    ],
  }),
  builtin('', 'Pod', 'pods', {
    short: ['po'],
    cat: ['all'],
    status: true,
    log: true,
    columns: [col('Status', '.status.phase')],
  }),
  builtin('', 'ConfigMap', 'configmaps', { short: ['cm'] }),
  builtin('', 'Secret', 'secrets', { columns: [col('Type', '.type')] }),
  builtin('', 'ServiceAccount', 'serviceaccounts', { short: ['sa'] }),
  builtin('', 'Event', 'events', {
    short: ['ev'],
    columns: [
      col('Type', '.type'),
      col('Reason', '.reason'),
      col('Object', '.involvedObject.name'),
      col('Message', '.message'),
    ],
  }),
  builtin('', 'Endpoints', 'endpoints', { short: ['ep'] }),
  builtin('discovery.k8s.io', 'EndpointSlice', 'endpointslices', {
    columns: [col('AddressType', '.addressType'), col('Ports', '.ports[*].port')],
  }),
  builtin('apps', 'Deployment', 'deployments', {
    short: ['deploy'],
    cat: ['all'],
    status: true,
    columns: [
      col('Ready', '.status.readyReplicas'),
      col('Up-To-Date', '.status.updatedReplicas'),
      col('Available', '.status.availableReplicas'),
    ],
  }),
  builtin('apiextensions.k8s.io', 'CustomResourceDefinition', 'customresourcedefinitions', {
    cluster: true,
    short: ['crd', 'crds'],
    cat: ['api-extensions'],
    status: true,
    columns: [col('Created At', '.metadata.creationTimestamp')],
  }),
  // The Gateway API bundle ships a ValidatingAdmissionPolicy; storing it lets the bundle apply.
  builtin('admissionregistration.k8s.io', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', {
    cluster: true,
    cat: ['api-extensions'],
    status: true,
  }),
  builtin('admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', {
    cluster: true,
    cat: ['api-extensions'],
  }),
].map((r) => (r.kind === 'Endpoints' ? { ...r, singular: 'endpoints' } : r));

// ---------------------------------------------------------------------------------------------
// Gateway API v1.6.1 standard channel, transcribed from the release's CRDs (standard-install.yaml):
// served versions, storage version, scope, names, status subresource, additionalPrinterColumns.

export const GATEWAY_API_BUNDLE_VERSION = 'v1.6.1';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

interface GatewayKind {
  kind: string;
  plural: string;
  short?: string[];
  cluster?: boolean;
  status: boolean;
  /** Served versions, storage version first. */
  versions: string[];
  columns: PrinterColumn[];
}

const AGE = col('Age', '.metadata.creationTimestamp', 'date');
const condition = (type: string) => `.status.conditions[?(@.type=="${type}")].status`;

const GATEWAY_API_KINDS: GatewayKind[] = [
  {
    kind: 'BackendTLSPolicy',
    plural: 'backendtlspolicies',
    short: ['btlspolicy'],
    status: true,
    versions: ['v1'],
    columns: [AGE],
  },
  {
    kind: 'GatewayClass',
    plural: 'gatewayclasses',
    short: ['gc'],
    cluster: true,
    status: true,
    versions: ['v1', 'v1beta1'],
    columns: [
      col('Controller', '.spec.controllerName'),
      col('Accepted', condition('Accepted')),
      AGE,
      col('Description', '.spec.description', 'string', 1),
    ],
  },
  {
    kind: 'Gateway',
    plural: 'gateways',
    short: ['gtw'],
    status: true,
    versions: ['v1', 'v1beta1'],
    columns: [
      col('Class', '.spec.gatewayClassName'),
      col('Address', '.status.addresses[*].value'),
      col('Programmed', condition('Programmed')),
      AGE,
    ],
  },
  {
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    status: true,
    versions: ['v1'],
    columns: [col('Hostnames', '.spec.hostnames'), AGE],
  },
  {
    kind: 'HTTPRoute',
    plural: 'httproutes',
    status: true,
    versions: ['v1', 'v1beta1'],
    columns: [col('Hostnames', '.spec.hostnames'), AGE],
  },
  {
    kind: 'ListenerSet',
    plural: 'listenersets',
    short: ['lset'],
    status: true,
    versions: ['v1'],
    columns: [col('Accepted', condition('Accepted')), col('Programmed', condition('Programmed')), AGE],
  },
  // ReferenceGrant: v1beta1 is the storage version in v1.6.1; it has no status subresource.
  {
    kind: 'ReferenceGrant',
    plural: 'referencegrants',
    short: ['refgrant'],
    status: false,
    versions: ['v1beta1', 'v1'],
    columns: [AGE],
  },
  { kind: 'TCPRoute', plural: 'tcproutes', status: true, versions: ['v1'], columns: [AGE] },
  { kind: 'TLSRoute', plural: 'tlsroutes', status: true, versions: ['v1'], columns: [AGE] },
  { kind: 'UDPRoute', plural: 'udproutes', status: true, versions: ['v1'], columns: [AGE] },
];

/** CustomResourceDefinition objects for the Gateway API kinds, already Established. */
export function gatewayApiCrds(): KubeObject[] {
  return GATEWAY_API_KINDS.map((k) => {
    const names = {
      kind: k.kind,
      listKind: `${k.kind}List`,
      plural: k.plural,
      singular: k.kind.toLowerCase(),
      categories: ['gateway-api'],
      ...(k.short ? { shortNames: k.short } : {}),
    };
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `${k.plural}.${GATEWAY_GROUP}`,
        annotations: {
          'gateway.networking.k8s.io/bundle-version': GATEWAY_API_BUNDLE_VERSION,
          'gateway.networking.k8s.io/channel': 'standard',
        },
      },
      spec: {
        group: GATEWAY_GROUP,
        names,
        scope: k.cluster ? 'Cluster' : 'Namespaced',
        versions: k.versions.map((v, i) => ({
          name: v,
          served: true,
          storage: i === 0,
          additionalPrinterColumns: k.columns,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          subresources: k.status ? { status: {} } : {},
        })),
      },
      status: crdStatus(names, [k.versions[0]]),
    };
  });
}

/** What the apiextensions controller writes once a CRD's names are accepted. */
export function crdStatus(acceptedNames: unknown, storedVersions: string[]): Record<string, unknown> {
  const now = nowTimestamp();
  return {
    acceptedNames,
    storedVersions,
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        reason: 'NoConflicts',
        message: 'no conflicts found',
        lastTransitionTime: now,
      },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: now,
      },
    ],
  };
}

/** Create what every fresh cluster has: core namespaces and the Gateway API CRDs (idempotent). */
export function seedCluster(store: Store): void {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!store.get('v1', 'Namespace', undefined, ns)) {
      store.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
  }
  for (const crd of gatewayApiCrds()) {
    if (!store.get(crd.apiVersion, crd.kind, undefined, crd.metadata.name)) store.create(crd);
  }
}

// ---------------------------------------------------------------------------------------------

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
}

export function resourcesOfCrd(crd: KubeObject): ResourceInfo[] {
  const spec = (crd.spec ?? {}) as {
    group?: string;
    scope?: string;
    names?: { kind: string; plural: string; singular?: string; shortNames?: string[]; categories?: string[] };
    versions?: CrdVersion[];
  };
  if (!spec.group || !spec.names?.plural || !spec.names.kind) return [];
  const names = spec.names;
  return (spec.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: spec.group!,
      version: v.name,
      plural: names.plural,
      singular: names.singular || names.kind.toLowerCase(),
      kind: names.kind,
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      status: v.subresources?.status !== undefined,
      columns: v.additionalPrinterColumns?.length ? v.additionalPrinterColumns : [AGE],
    }));
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v1 > v1beta2 > v1beta1 > v1alpha1). */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = v.match(/^v(\d+)(?:(alpha|beta)(\d+))?$/);
    if (!m) return [-1, 0, 0];
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
  return a.localeCompare(b);
}

export class ResourceRegistry {
  private cache: ResourceInfo[] | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: Store) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.object.kind === 'CustomResourceDefinition') this.cache = undefined;
    });
  }

  all(): ResourceInfo[] {
    if (!this.cache) {
      const fromCrds = this.store.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition').flatMap(resourcesOfCrd);
      this.cache = [...BUILTIN_RESOURCES, ...fromCrds];
    }
    return this.cache;
  }

  find(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.all().find((r) => r.group === group && r.version === version && r.plural === plural);
  }

  /** group -> served versions, preferred first (core group is ''). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of this.all()) {
      const versions = out.get(r.group) ?? [];
      if (!versions.includes(r.version)) versions.push(r.version);
      out.set(r.group, versions);
    }
    for (const versions of out.values()) versions.sort(compareVersions);
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceInfo[] {
    return this.all().filter((r) => r.group === group && r.version === version);
  }

  close(): void {
    this.unsubscribe();
  }
}
