import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../kube/types.ts';
import { createMemoryLogger } from '../../../log.ts';
import { pins } from '../../../pins.ts';
import type { MetallbPlan } from '../plan.ts';
import type { Downloader } from '../tools/download.ts';
import type { KubeLike } from './deps.ts';
import { daemonSetReady, installMetallb, isWebhookNotReady } from './metallb.ts';

const REFUSED =
  'Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io": failed to call webhook: Post "https://metallb-webhook-service.metallb-system.svc:443/validate-metallb-io-v1beta1-ipaddresspool?timeout=10s": dial tcp 10.96.10.10:443: connect: connection refused';
const NO_ENDPOINTS =
  'Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io": failed to call webhook: Post "https://metallb-webhook-service.metallb-system.svc:443/validate?timeout=10s": no endpoints available for service "metallb-webhook-service"';
const DENIED =
  'admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: CIDR "172.18.247.200/32" in pool "kindgate-pool" overlaps with already defined CIDR "172.18.247.200/32"';

describe('which MetalLB pool errors are retried', () => {
  it.each([
    [REFUSED, true],
    [NO_ENDPOINTS, true],
    [
      'Internal error occurred: failed calling webhook "l2advertisementvalidationwebhook.metallb.io": context deadline exceeded',
      true,
    ],
    [DENIED, false],
    ['IPAddressPool.metallb.io "kindgate-pool" is invalid: spec.addresses: Required value', false],
  ])('%s → %s', (message, retried) => {
    expect(isWebhookNotReady(new Error(message))).toBe(retried);
  });

  it('a denial fails at the first attempt with the webhook message, not after the retry window', async () => {
    const poolApplies: number[] = [];
    const kube: KubeLike = {
      async apply(input) {
        if (String(input).includes('IPAddressPool')) {
          poolApplies.push(1);
          throw new Error(DENIED);
        }
        return [];
      },
      get: async () => undefined,
      waitFor: async () => ({}) as KubeObject,
      waitForApi: async () => undefined,
    };
    const download: Downloader = {
      async toFile(_url, dest) {
        await writeFile(dest, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: metallb-system}\n');
        return { sha256: pins.metallb.sha256, bytes: 1 };
      },
      text: async () => '',
      head: async () => 200,
    };
    const plan: MetallbPlan = {
      version: pins.metallb.version,
      manifest: {
        url: pins.metallb.url,
        sha256: pins.metallb.sha256,
        cachePath: join(mkdtempSync(join(tmpdir(), 'kg-metallb-')), 'metallb-native.yaml'),
      },
      controller: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'metallb-system', name: 'controller' },
      controllerTimeoutMs: 1_000,
      speaker: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'metallb-system', name: 'speaker' },
      speakerTimeoutMs: 1_000,
      networkInspect: { file: 'docker', args: ['network', 'inspect', 'kind'], timeoutMs: 30_000 },
      namespace: 'metallb-system',
      poolName: 'kindgate-pool',
      l2AdvertisementName: 'kindgate-l2',
      poolRetryMs: 120_000,
    };
    const inspect = JSON.stringify([{ IPAM: { Config: [{ Subnet: '172.18.0.0/16' }] } }]);
    const run = async () => ({ stdout: inspect, stderr: '', exitCode: 0 });
    const error = await installMetallb(
      plan,
      { kube, download, run, tools: {}, engine: 'docker', network: 'kind', clusterName: 'kindgate-t1' },
      createMemoryLogger(),
    ).catch((e) => e);
    expect(poolApplies).toHaveLength(1);
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(
      /^MetalLB refused IPAddressPool metallb-system\/kindgate-pool \(172\.18\.247\.200-172\.18\.247\.250\) after 1 attempt\(s\) .*denied the request: CIDR .* overlaps/,
    );
  });
});

describe('the MetalLB speaker DaemonSet', () => {
  const ds = (generation: number, status: Record<string, number>) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'speaker', namespace: 'metallb-system', generation },
      status,
    }) as KubeObject;

  it('is ready when every scheduled pod is Ready at its latest generation, and not before', () => {
    expect(daemonSetReady(ds(1, { observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 1 }))).toBe(true);
    expect(daemonSetReady(ds(2, { observedGeneration: 2, desiredNumberScheduled: 3, numberReady: 3 }))).toBe(true);
    // Pods not Ready yet; an older generation observed; nothing scheduled yet; no status at all.
    expect(daemonSetReady(ds(1, { observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 0 }))).toBe(false);
    expect(daemonSetReady(ds(2, { observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 1 }))).toBe(false);
    expect(daemonSetReady(ds(1, { observedGeneration: 1, desiredNumberScheduled: 0, numberReady: 0 }))).toBe(false);
    expect(daemonSetReady(ds(1, {}))).toBe(false);
    expect(daemonSetReady(undefined)).toBe(false);
  });
});
