import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../kube/api-error.ts';
import type { KubeObject } from '../../../kube/types.ts';
import { withFakeTimers } from '../../../fake-timers.test-helper.ts';
import { createMemoryLogger } from '../../../log.ts';
import type { VendorInstallPlan } from '../plan.ts';
import type { KubeLike } from './deps.ts';
import { installVendor, splitCrds } from './vendor.ts';

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: {name: acme-system}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: acmeconfigs.example.com}
spec: {group: example.com, names: {kind: AcmeConfig, plural: acmeconfigs}, scope: Namespaced}
---
apiVersion: example.com/v1
kind: AcmeConfig
metadata: {name: default, namespace: acme-system}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: acme}
spec: {controllerName: example.com/acme}
`;

const kinds = (text: string) => parseAllDocuments(text).map((d) => (d.toJS() as { kind: string }).kind);

/**
 * A cluster that rejects the whole apply when a document's kind is not served, as the real
 * client does (discovery first); AcmeConfig is served only some time after its CRD is Established.
 */
function fakeCluster(discoveryLagApplies: number) {
  const events: string[] = [];
  let established = false;
  let lag = discoveryLagApplies;
  const kube: KubeLike = {
    async apply(input) {
      const text = String(input);
      const docs = kinds(text);
      if (docs.includes('AcmeConfig') && (!established || lag-- > 0)) {
        events.push(`refused ${docs.join('+')}`);
        throw new KubeApiError(
          'server-side apply of AcmeConfig acme-system/default failed: the kind AcmeConfig (example.com/v1) is unknown to the cluster at https://127.0.0.1:6443; install its CRDs first.',
          'UnknownKind',
          404,
        );
      }
      events.push(`applied ${docs.join('+')}`);
      return [];
    },
    async get() {
      return undefined;
    },
    async waitFor(ref) {
      events.push(`waited ${ref.kind} ${ref.name}`);
      if (ref.kind === 'CustomResourceDefinition') established = true;
      return {} as KubeObject;
    },
    async waitForApi() {},
  };
  return { kube, events };
}

function plan(path: string): VendorInstallPlan {
  return {
    type: 'vendor',
    profile: 'acme',
    manifests: [path],
    gatewayClass: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', name: 'acme' },
    gatewayClassTimeoutMs: 30_000,
  };
}

function manifestFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kg-vendor-unit-')), 'install.yaml');
  writeFileSync(path, text);
  return path;
}

const base = {
  run: async () => ({ stdout: '', stderr: '', exitCode: 0 }),
  download: {} as never,
  tools: {},
  crdsReady: Promise.resolve(),
};

describe('vendor manifests that define CRDs and use them in the same file', () => {
  it('splits the CRDs from the rest, keeping the order of the rest', () => {
    const parts = splitCrds(MANIFEST);
    expect(kinds(parts.crds!)).toEqual(['CustomResourceDefinition']);
    expect(parts.crdNames).toEqual(['acmeconfigs.example.com']);
    expect(kinds(parts.rest!)).toEqual(['Namespace', 'AcmeConfig', 'GatewayClass']);
  });

  it('applies the CRDs, waits for them Established, then applies the rest, riding out discovery lag', async () => {
    const cluster = fakeCluster(2);
    await withFakeTimers(() =>
      installVendor(plan(manifestFile(MANIFEST)), { ...base, kube: cluster.kube }, createMemoryLogger()),
    );
    expect(cluster.events).toEqual([
      'applied CustomResourceDefinition',
      'waited CustomResourceDefinition acmeconfigs.example.com',
      'refused Namespace+AcmeConfig+GatewayClass',
      'refused Namespace+AcmeConfig+GatewayClass',
      'applied Namespace+AcmeConfig+GatewayClass',
      'waited GatewayClass acme',
    ]);
  });

  it('gives up after the grace period with the unknown-kind sentence', async () => {
    const cluster = fakeCluster(1_000);
    const error = await withFakeTimers(() =>
      installVendor(
        plan(manifestFile(MANIFEST)),
        { ...base, kube: cluster.kube, unknownKindGraceMs: 2_000 },
        createMemoryLogger(),
      ),
    ).catch((e) => e);
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(
      /^Profile acme: applying .*install\.yaml \(profile\.install\.manifests\[0\]\) failed: .*AcmeConfig .* is unknown to the cluster/,
    );
    // Backoff 250, 500, 1000 ms, then the 250 ms left of the 2 s window: five attempts.
    expect(cluster.events.filter((e) => e.startsWith('refused'))).toHaveLength(5);
  });

  it('retries only the unknown kind: any other refusal of the rest fails at the first attempt', async () => {
    const cluster = fakeCluster(0);
    const apply = cluster.kube.apply;
    let restApplies = 0;
    cluster.kube.apply = async (input, opts) => {
      if (!String(input).includes('AcmeConfig')) return apply(input, opts);
      restApplies++;
      throw new KubeApiError('admission webhook "validate.acme.example.com" denied the request', 'Invalid', 422);
    };
    const error = await installVendor(
      plan(manifestFile(MANIFEST)),
      { ...base, kube: cluster.kube },
      createMemoryLogger(),
    ).catch((e) => e);
    expect(error.message).toMatch(
      /^Profile acme: applying .* failed: admission webhook .* denied the request; fix the manifest\.$/,
    );
    expect(restApplies).toBe(1);
  });

  it('applies a manifest without CRDs as it is, in one apply', async () => {
    const cluster = fakeCluster(0);
    const text =
      'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: acme}\nspec: {controllerName: example.com/acme}\n';
    await installVendor(plan(manifestFile(text)), { ...base, kube: cluster.kube }, createMemoryLogger());
    expect(cluster.events).toEqual(['applied GatewayClass', 'waited GatewayClass acme']);
  });
});
