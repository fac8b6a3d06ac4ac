import { VERBS, type ResourceInfo, type ResourceRegistry } from './resources.ts';

/**
 * Discovery documents: the legacy form (/api, /api/v1, /apis, /apis/g, /apis/g/v) and the
 * aggregated form (apidiscovery.k8s.io/v2) that kubectl >= 1.30 asks for on /api and /apis.
 */

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return (
    !!accept &&
    accept
      .split(',')
      .some(
        (p) =>
          /as=APIGroupDiscoveryList/.test(p) &&
          /v=v2(;|$)/.test(p.replace(/\s/g, '')) &&
          /g=apidiscovery\.k8s\.io/.test(p),
      )
  );
}

const subresourcesOf = (r: ResourceInfo): { name: string; kind: string; verbs: string[] }[] => [
  ...(r.status ? [{ name: 'status', kind: r.kind, verbs: ['get', 'patch', 'update'] }] : []),
  ...(r.log ? [{ name: 'log', kind: 'Pod', verbs: ['get'] }] : []),
];

export function apiResourceList(group: string, version: string, resources: ResourceInfo[]): Record<string, unknown> {
  const list: Record<string, unknown>[] = [];
  for (const r of resources) {
    list.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const s of subresourcesOf(r)) {
      list.push({
        name: `${r.plural}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: list,
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const gvs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  const groups = [...registry.groups()].filter(([g]) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(([g, vs]) => apiGroup(g, vs)) };
}

export function apiGroupDoc(registry: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  const versions = registry.groups().get(group);
  return versions && group ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) } : undefined;
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for /api (core: true) or /apis. */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean): Record<string, unknown> {
  const items = [...registry.groups()]
    .filter(([g]) => (g === '') === core)
    .map(([group, versions]) => ({
      metadata: group ? { name: group } : {},
      versions: versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: registry.inGroupVersion(group, version).map((r) => ({
          resource: r.plural,
          responseKind: { group, version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singular,
          verbs: VERBS,
          ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
          ...(r.categories.length ? { categories: r.categories } : {}),
          ...(subresourcesOf(r).length
            ? {
                subresources: subresourcesOf(r).map((s) => ({
                  subresource: s.name,
                  responseKind: { group, version, kind: s.kind },
                  verbs: s.verbs,
                })),
              }
            : {}),
        })),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
