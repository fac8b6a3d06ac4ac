import { describe, expect, it } from 'vitest';
import { compareVersions, gatewayApiCrds, ResourceRegistry, resourcesOfCrd } from './resources.ts';
import { Store } from './store.ts';

describe('Gateway API CRDs (v1.6.1 standard)', () => {
  const byKind = new Map(
    gatewayApiCrds()
      .flatMap(resourcesOfCrd)
      .map((r) => [`${r.kind}/${r.version}`, r]),
  );

  it('serves exactly the versions the bundle serves', () => {
    expect(
      [...byKind.keys()].filter((k) => /^(Gateway|GatewayClass|HTTPRoute|GRPCRoute|ReferenceGrant)\//.test(k)).sort(),
    ).toEqual([
      'GRPCRoute/v1',
      'Gateway/v1',
      'Gateway/v1beta1',
      'GatewayClass/v1',
      'GatewayClass/v1beta1',
      'HTTPRoute/v1',
      'HTTPRoute/v1beta1',
      'ReferenceGrant/v1',
      'ReferenceGrant/v1beta1',
    ]);
  });

  it('has the CRDs names, scope, status subresource and Established condition', () => {
    expect(byKind.get('Gateway/v1')).toMatchObject({
      plural: 'gateways',
      shortNames: ['gtw'],
      categories: ['gateway-api'],
      namespaced: true,
      status: true,
    });
    expect(byKind.get('GatewayClass/v1')).toMatchObject({ namespaced: false, shortNames: ['gc'] });
    expect(byKind.get('ReferenceGrant/v1')?.status).toBe(false);
    const crd = gatewayApiCrds().find((c) => c.metadata.name === 'gateways.gateway.networking.k8s.io')!;
    expect((crd.status as { conditions: { type: string; status: string }[] }).conditions).toContainEqual(
      expect.objectContaining({ type: 'Established', status: 'True' }),
    );
  });
});

describe('ResourceRegistry', () => {
  it('serves a kind as soon as its CRD is stored', () => {
    const store = new Store();
    const registry = new ResourceRegistry(store);
    expect(registry.find('example.com', 'v1', 'widgets')).toBeUndefined();
    store.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    });
    expect(registry.find('example.com', 'v1', 'widgets')).toMatchObject({
      kind: 'Widget',
      singular: 'widget',
      status: false,
    });
    registry.close();
  });
});

describe('compareVersions', () => {
  it('orders GA before beta before alpha', () => {
    expect(['v1alpha2', 'v1beta1', 'v2', 'v1', 'v1beta2'].sort(compareVersions)).toEqual([
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v1alpha2',
    ]);
  });
});
