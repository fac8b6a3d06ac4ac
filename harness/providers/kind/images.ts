import type { RunOptions } from '../../config/options.ts';
import type { CommandLine } from '../../exec.ts';
import { pins } from '../../pins.ts';
import type { Profile } from '../../profiles/types.ts';
import { kindCommands } from './cluster.ts';

/** An image the run makes a container engine pull: what, from where, and who pulls it. */
export interface ClusterImage {
  image: string;
  /** The registry it comes from (docker.io when the reference names none). */
  registry: string;
  /** Who pulls it and why. */
  pulledBy: string;
  /** Pulled by the node: `--preload-images` loads it from the host instead. */
  preloadable: boolean;
}

/** `--preload-images`: pull on the host once, then one `kind load docker-image` into the node. */
export interface PreloadPlan {
  pulls: CommandLine[];
  load: CommandLine;
}

/**
 * The registry of an image reference, by Docker's rule: the first path component is a registry
 * when it has a `.` or `:` or is `localhost` (distribution/reference normalize.go); otherwise Docker Hub.
 */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  const named = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return named ? first : 'docker.io';
}

const entry = (image: string, pulledBy: string, preloadable: boolean): ClusterImage => ({
  image,
  registry: registryOf(image),
  pulledBy,
  preloadable,
});

/** What the list cannot name: images only the vendor's install or the user's fixtures know. */
export function imagesNotListed(options: RunOptions, profile: Profile): string[] {
  const notes: string[] = [];
  if (profile.install?.type === 'vendor') notes.push(`the images ${profile.name}'s profile.install deploys`);
  if (options.fixturesDir) notes.push('the images your --fixtures name (listed under the run)');
  return notes;
}

/** Every image a kind run pulls that kindgate knows of, in the order they are needed. */
export function clusterImages(options: RunOptions, profile: Profile): ClusterImage[] {
  const images = [
    entry(pins.nodeImage, 'the host engine, for `kind create cluster` (the node)', false),
    ...pins.metallb.images.map((image) => entry(image, 'the node, for the MetalLB manifest', true)),
  ];
  if (profile.install?.type === 'istioctl') {
    images.push(entry(pins.istio.images.istiod, 'the node, for istiod (`istioctl install`)', true));
    images.push(entry(pins.istio.images.gateway, 'the node, for each Gateway istiod deploys', true));
  }
  if (!options.fixturesDir) {
    images.push(entry(options.httpbinImage, 'the node, for the fixtures’ httpbin Deployments (--httpbin-image)', true));
  }
  images.push(entry(options.relayImage, 'the host engine, only when a relay is used (--relay-image)', false));
  return images;
}

export function preloadPlan(clusterName: string, images: ClusterImage[]): PreloadPlan {
  const preload = images.filter((i) => i.preloadable).map((i) => i.image);
  return {
    pulls: preload.map((image) => ({ file: 'docker', args: ['pull', image], timeoutMs: 10 * 60_000 })),
    load: kindCommands.loadDockerImage(clusterName, preload),
  };
}
