import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../config/options.ts';
import type { KubeObject } from '../../../kube/types.ts';
import { createMemoryLogger } from '../../../log.ts';
import { pins } from '../../../pins.ts';
import type { CrdsPlan } from '../plan.ts';
import type { Downloader } from '../tools/download.ts';
import type { KubeLike } from './deps.ts';
import { compareBundleVersions, installGatewayApiCrds, safeUpgradeRefusal } from './gateway-api-crds.ts';

const BUNDLE = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gateways.gateway.networking.k8s.io}
`;

function plan(channel: Channel = 'standard'): CrdsPlan {
  return {
    version: pins.gatewayApi.version,
    channel,
    bundle: {
      url: pins.gatewayApi[channel].url,
      sha256: pins.gatewayApi[channel].sha256,
      cachePath: join(mkdtempSync(join(tmpdir(), 'kg-crds-')), 'bundle.yaml'),
    },
    establishedTimeoutMs: 60_000,
  };
}

/** A cluster whose gateways CRD carries these annotations (none: no Gateway API installed). */
function cluster(annotations?: Record<string, string>) {
  const applied: string[] = [];
  const kube: KubeLike = {
    async apply(input) {
      applied.push(String(input));
      return [];
    },
    async get(ref) {
      if (!annotations || ref.kind !== 'CustomResourceDefinition' || ref.name !== 'gateways.gateway.networking.k8s.io')
        return undefined;
      return {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: ref.name, annotations },
      } as KubeObject;
    },
    async waitFor() {
      return {} as KubeObject;
    },
    async waitForApi() {},
  };
  const download: Downloader = {
    async toFile(url, dest) {
      await writeFile(dest, BUNDLE);
      return {
        sha256: url.includes('experimental') ? pins.gatewayApi.experimental.sha256 : pins.gatewayApi.standard.sha256,
        bytes: BUNDLE.length,
      };
    },
    text: async () => '',
    head: async () => 200,
  };
  return { deps: { kube, download, run: async () => ({ stdout: '', stderr: '', exitCode: 0 }), tools: {} }, applied };
}

const installed = (version: string, channel: string) => ({
  'gateway.networking.k8s.io/bundle-version': version,
  'gateway.networking.k8s.io/channel': channel,
});

describe('Gateway API CRDs already on the cluster (--reuse)', () => {
  it('refuses to downgrade newer CRDs, saying what is installed, what is pinned and how to fix it, and applies nothing', async () => {
    const c = cluster(installed('v1.7.0', 'standard'));
    const error = await installGatewayApiCrds(plan(), c.deps, createMemoryLogger()).catch((e) => e);
    expect(error.exitCode).toBe(4);
    expect(error.message).toBe(
      'The cluster already has Gateway API CRDs v1.7.0 (standard channel) (annotations of CRD gateways.gateway.networking.k8s.io), newer than the v1.6.1 (standard channel) kindgate pins, and kindgate will not downgrade them; run on a fresh cluster without --reuse (or with another --name).',
    );
    expect(c.applied).toEqual([]);
  });

  it.each([
    ['experimental', 'standard'],
    ['standard', 'experimental'],
  ] as const)('refuses to switch %s CRDs to the %s channel and names the matching --channel', async (there, pinned) => {
    const c = cluster(installed('v1.6.1', there));
    const error = await installGatewayApiCrds(plan(pinned), c.deps, createMemoryLogger()).catch((e) => e);
    expect(error.message).toBe(
      `The cluster already has Gateway API CRDs v1.6.1 (${there} channel) (annotations of CRD gateways.gateway.networking.k8s.io) and kindgate would switch them to the v1.6.1 (${pinned} channel); pass --channel ${there}, or run on a fresh cluster without --reuse.`,
    );
    expect(c.applied).toEqual([]);
  });

  it.each([
    ['nothing installed', undefined],
    ['the same bundle', installed('v1.6.1', 'standard')],
    ['an older bundle of the same channel (an upgrade)', installed('v1.5.1', 'standard')],
    ['a release candidate of the pin', installed('v1.6.1-rc.1', 'standard')],
  ])('applies over %s', async (_what, annotations) => {
    const c = cluster(annotations);
    expect(await installGatewayApiCrds(plan(), c.deps, createMemoryLogger())).toEqual([
      'gateways.gateway.networking.k8s.io',
    ]);
    expect(c.applied).toHaveLength(1);
  });

  it('compares bundle versions like semver (pre-releases before their release)', () => {
    expect(compareBundleVersions('v1.10.0', 'v1.6.1')).toBe(1);
    expect(compareBundleVersions('v1.6.1', 'v1.6.1')).toBe(0);
    expect(compareBundleVersions('v1.7.0-rc.1', 'v1.6.1')).toBe(1);
    expect(compareBundleVersions('v1.6.1-rc.2', 'v1.6.1')).toBe(-1);
    expect(compareBundleVersions('dev', 'v1.6.1')).toBeUndefined();
  });

  it('explains a safe-upgrades denial by what that policy actually denies', () => {
    const denial = new Error(
      "ValidatingAdmissionPolicy 'safe-upgrades.gateway.networking.k8s.io' with binding 'safe-upgrades.gateway.networking.k8s.io' denied request: Installing experimental CRDs on top of standard channel CRDs is prohibited by default.",
    );
    expect(safeUpgradeRefusal(denial, { version: 'v1.6.1', channel: 'experimental' })?.message).toBe(
      "The cluster's ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io refused the Gateway API v1.6.1 experimental CRDs (it denies experimental-channel CRDs over standard-channel ones, and bundles older than it allows); run without --reuse for a fresh cluster, or pass the --channel of the CRDs installed there.",
    );
    expect(
      safeUpgradeRefusal(new Error('connection refused'), { version: 'v1.6.1', channel: 'standard' }),
    ).toBeUndefined();
  });
});
