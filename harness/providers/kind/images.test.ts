import { describe, expect, it } from 'vitest';
import { formatCommand } from '../../exec.ts';
import { pins } from '../../pins.ts';
import { istioProfile } from '../../profiles/istio.ts';
import type { Profile } from '../../profiles/types.ts';
import { clusterImages, imagesNotListed, preloadPlan, registryOf } from './images.ts';
import { kindOptions } from './fake-deps.test-helper.ts';
import { planKindRun } from './plan.ts';

const options = kindOptions({
  gatewayNamespace: 'kindgate-t1-gateway',
  ownedNamespaces: [],
  cacheDir: '/home/u/.cache/kindgate',
  dryRun: true,
  verbose: false,
});
const vendor: Profile = {
  ...istioProfile,
  name: 'acme',
  install: { type: 'vendor', command: ['helm', 'install'], manifests: [], timeoutMs: 1, gatewayClassTimeoutMs: 1 },
};
const host = { platform: 'linux', arch: 'x64', env: {} };

describe('the images a kind run pulls', () => {
  it('names the registry of each reference the way Docker does', () => {
    expect(registryOf('ghcr.io/mccutchen/go-httpbin:2.25.0')).toBe('ghcr.io');
    expect(registryOf('mccutchen/go-httpbin:2.25.0')).toBe('docker.io');
    expect(registryOf('kindest/node:v1.36.4@sha256:abc')).toBe('docker.io');
    expect(registryOf('busybox')).toBe('docker.io');
    expect(registryOf('localhost/mirror/httpbin:1')).toBe('localhost');
    expect(registryOf('mirror.local:5000/go-httpbin:2.25.0')).toBe('mirror.local:5000');
  });

  it('lists the node image, MetalLB, Istio, httpbin (from ghcr.io by default) and the relay, with who pulls each', () => {
    const images = clusterImages(options, istioProfile);
    expect(images.map((i) => `${i.image} ${i.registry} ${i.preloadable ? 'node' : 'host'}`)).toEqual([
      `${pins.nodeImage} docker.io host`,
      'quay.io/metallb/controller:v0.16.1 quay.io node',
      'quay.io/metallb/speaker:v0.16.1 quay.io node',
      'docker.io/istio/pilot:1.31.0 docker.io node',
      'docker.io/istio/proxyv2:1.31.0 docker.io node',
      'ghcr.io/mccutchen/go-httpbin:2.25.0 ghcr.io node',
      `${pins.relay.image} docker.io host`,
    ]);
    expect(imagesNotListed(options, istioProfile)).toEqual([]);
  });

  it('a vendor profile has no Istio images, and says its own install’s images are not known; --fixtures likewise', () => {
    const images = clusterImages({ ...options, fixturesDir: '/tmp/mine' }, vendor).map((i) => i.image);
    expect(images.some((i) => i.includes('istio') || i.includes('httpbin'))).toBe(false);
    expect(imagesNotListed({ ...options, fixturesDir: '/tmp/mine' }, vendor)).toEqual([
      "the images acme's profile.install deploys",
      'the images your --fixtures name (listed under the run)',
    ]);
  });

  it('--preload-images pulls what the node would pull, on the host, then loads it with one kind load docker-image', () => {
    const plan = preloadPlan(
      'kindgate-t1',
      clusterImages({ ...options, httpbinImage: 'mirror.local/httpbin:2' }, istioProfile),
    );
    expect(plan.pulls.map(formatCommand)).toEqual([
      'docker pull quay.io/metallb/controller:v0.16.1',
      'docker pull quay.io/metallb/speaker:v0.16.1',
      'docker pull docker.io/istio/pilot:1.31.0',
      'docker pull docker.io/istio/proxyv2:1.31.0',
      'docker pull mirror.local/httpbin:2',
    ]);
    expect(formatCommand(plan.load)).toBe(
      'kind load docker-image quay.io/metallb/controller:v0.16.1 quay.io/metallb/speaker:v0.16.1 docker.io/istio/pilot:1.31.0 ' +
        'docker.io/istio/proxyv2:1.31.0 mirror.local/httpbin:2 --name kindgate-t1',
    );
    expect(planKindRun(options, istioProfile, host).images.preload).toBeUndefined();
    const planned = planKindRun({ ...options, preloadImages: true }, istioProfile, host).images.preload;
    expect(planned?.load.args.at(-1)).toBe('kindgate-t1');
    expect(planned?.pulls).toHaveLength(5);
  });

  it('--preload-images with another engine than docker is refused: kind load docker-image reads from docker', () => {
    const podman = { ...host, env: { KIND_EXPERIMENTAL_PROVIDER: 'podman' } };
    expect(() => planKindRun({ ...options, preloadImages: true }, istioProfile, podman)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringMatching(
          /^--preload-images loads images with `kind load docker-image`, which reads them from docker/,
        ),
      }),
    );
  });
});
