import { join } from 'node:path';
import type { Channel, ReachMode, RunOptions } from '../../config/options.ts';
import { UsageError } from '../../errors.ts';
import type { CommandLine } from '../../exec.ts';
import type { ObjectRef } from '../../kube/types.ts';
import { kindClusterConfig, kindCommands } from './cluster.ts';
import { defaultKubeconfigPath } from './kubeconfig.ts';
import { claimsDir, type ClaimMode } from './name-claim.ts';
import { clusterImages, imagesNotListed, preloadPlan, type ClusterImage, type PreloadPlan } from './images.ts';
import { engineFromEnv, engineInfoCommand, kindNetworkName, networkInspectCommand, type Engine } from './engine.ts';
import { pins } from '../../pins.ts';
import type { Profile } from '../../profiles/types.ts';
import type { Artifact } from './tools/artifact.ts';
import { toolPlatform, type ToolPlatform } from './tools/platform.ts';
import type { ToolSpec } from './tools/resolve.ts';
import { contextEndpointCommand, routingFromHost, type HostRouting } from './reach/routing.ts';

/**
 * The run plan of the kind provider: every command line, URL + sha256, file and wait, in order,
 * with what runs concurrently. `--dry-run` prints it (formatPlan); the provider executes these
 * same objects, so what is printed is what runs.
 */
export interface KindRunPlan {
  clusterName: string;
  kubeconfigPath: string;
  engine: Engine;
  network: string;
  reuse: boolean;
  keep: boolean;
  reach: ReachMode;
  /** What the platform and DOCKER_HOST alone say about reaching the kind network; undefined: `<engine> info` decides. */
  routing?: HostRouting;
  /** --reach auto on a routable host: how long a Gateway address may take to accept a TCP connection (--gateway-timeout). */
  directWaitMs: number;
  relayImage: string;
  platform: ToolPlatform;
  preflight: {
    nodeMinimum: string;
    engineInfo: CommandLine;
    /** docker without DOCKER_HOST: the current context's endpoint (a remote one is not routable). */
    contextEndpoint?: CommandLine;
    hostProbeTimeoutMs: number;
  };
  tools: ToolSpec[];
  /** The run's claim on the cluster name (name-claim.ts): alone to create it, shared with other --reuse runs. */
  claim: { dir: string; mode: ClaimMode };
  cluster: {
    configPath: string;
    configYaml: string;
    nodeImage: string;
    list: CommandLine;
    create: CommandLine;
    /** --reuse: the kubeconfig of the existing cluster, written to the private file. */
    getKubeconfig: CommandLine;
    apiTimeoutMs: number;
  };
  /** Every image the run pulls, with where from; `preload` with --preload-images. */
  images: { list: ClusterImage[]; notListed: string[]; preload?: PreloadPlan };
  /** Run concurrently once the API server answers. */
  installs: { metallb: MetallbPlan; gatewayApiCrds: CrdsPlan; implementation: ImplementationPlan };
  teardown: { delete?: CommandLine; relayLabel: Record<string, string> };
}

export interface MetallbPlan {
  version: string;
  manifest: Artifact;
  controller: ObjectRef;
  controllerTimeoutMs: number;
  /** The speaker DaemonSet (L2 announcements): every scheduled pod Ready, at its latest generation. */
  speaker: ObjectRef;
  speakerTimeoutMs: number;
  networkInspect: CommandLine;
  poolName: string;
  l2AdvertisementName: string;
  namespace: string;
  /** Total time the pool apply is retried while the validating webhook refuses. */
  poolRetryMs: number;
}

export interface CrdsPlan {
  version: string;
  channel: Channel;
  bundle: Artifact;
  establishedTimeoutMs: number;
}

/** The profile's implementation: Istio's pinned istioctl, or the vendor's command and/or manifests. */
export type ImplementationPlan = IstioPlan | VendorInstallPlan;

export interface IstioPlan {
  type: 'istio';
  version: string;
  install: CommandLine;
  istiod: ObjectRef;
  istiodTimeoutMs: number;
  gatewayClass: ObjectRef;
  gatewayClassTimeoutMs: number;
}

export interface VendorInstallPlan {
  type: 'vendor';
  profile: string;
  /** Runs once the Gateway API CRDs are Established, with KUBECONFIG = the run's private kubeconfig. */
  command?: CommandLine;
  /** Server-side applied (field manager kindgate), in order, after the command. */
  manifests: string[];
  gatewayClass: ObjectRef;
  gatewayClassTimeoutMs: number;
}

export interface PlanEnv {
  platform?: string;
  arch?: string;
  env?: NodeJS.ProcessEnv;
}

export const RELAY_LABEL = 'kindgate.relay';

export function planKindRun(options: RunOptions, profile: Profile, host: PlanEnv = {}): KindRunPlan {
  const env = host.env ?? process.env;
  const platform = toolPlatform(host.platform, host.arch);
  const engine = engineFromEnv(env);
  const name = options.clusterName;
  const kubeconfigPath = options.kubeconfig ?? defaultKubeconfigPath(options.cacheDir, name);
  const downloads = join(options.cacheDir, 'downloads');

  const kindUrl = pins.kind.url.replace('{os}', platform.os).replace('{arch}', platform.arch);
  const kindSha = pins.kind.sha256[platform.kind];
  const kindPath = join(downloads, `kind-${pins.kind.version}-${platform.kind}`, 'kind');
  const istioUrl = pins.istio.url.replace('{platform}', platform.istio);
  const istioName = `istioctl-${pins.istio.version}-${platform.istio}`;

  const kind: ToolSpec = {
    name: 'kind',
    version: pins.kind.version,
    // kind publishes `<binary>.sha256sum` beside each binary (kind hack/release/build/cross.sh).
    artifact: kindSha
      ? { url: kindUrl, sha256: kindSha, cachePath: kindPath }
      : { url: kindUrl, checksumUrl: `${kindUrl}.sha256sum`, cachePath: kindPath },
    binPath: kindPath,
  };
  const istioctl: ToolSpec = {
    name: 'istioctl',
    version: pins.istio.version,
    artifact: { url: istioUrl, checksumUrl: `${istioUrl}.sha256`, cachePath: join(downloads, `${istioName}.tar.gz`) },
    archiveMember: 'istioctl',
    binPath: join(options.cacheDir, 'bin', istioName, 'istioctl'),
  };
  // istioctl only when the profile is Istio: a vendor's run never resolves or downloads it.
  const tools = profile.install?.type === 'istioctl' ? [kind, istioctl] : [kind];

  const bundle = pins.gatewayApi[options.channel];
  const configPath = join(options.cacheDir, 'clusters', `${name}.kind.yaml`);
  return {
    clusterName: name,
    kubeconfigPath,
    engine,
    network: kindNetworkName(engine, env),
    reuse: options.reuse,
    keep: options.keep,
    reach: options.reach,
    routing: routingFromHost(host.platform ?? process.platform, engine, env),
    directWaitMs: options.timeouts.gatewayMs,
    relayImage: options.relayImage,
    platform,
    preflight: {
      nodeMinimum: '20.19.0',
      engineInfo: engineInfoCommand(engine),
      contextEndpoint: contextEndpointCommand(engine, env),
      hostProbeTimeoutMs: 5_000,
    },
    tools,
    claim: { dir: claimsDir(options.cacheDir), mode: options.reuse ? 'reuse' : 'create' },
    cluster: {
      configPath,
      configYaml: kindClusterConfig(name),
      nodeImage: pins.nodeImage,
      list: kindCommands.getClusters(),
      create: kindCommands.create({ name, image: pins.nodeImage, configPath, kubeconfigPath }),
      getKubeconfig: kindCommands.getKubeconfig(name),
      apiTimeoutMs: 120_000,
    },
    images: imagesPlan(options, profile, engine),
    installs: {
      metallb: {
        version: pins.metallb.version,
        manifest: {
          url: pins.metallb.url,
          sha256: pins.metallb.sha256,
          cachePath: join(downloads, `metallb-${pins.metallb.version}`, 'metallb-native.yaml'),
        },
        // MetalLB v0.16.1 metallb-native.yaml: Deployment metallb-system/controller (app=metallb, component=controller).
        controller: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'metallb-system', name: 'controller' },
        controllerTimeoutMs: 180_000,
        // Same manifest: DaemonSet metallb-system/speaker (app=metallb, component=speaker), one pod per node.
        speaker: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'metallb-system', name: 'speaker' },
        speakerTimeoutMs: 180_000,
        networkInspect: networkInspectCommand(engine, kindNetworkName(engine, env)),
        namespace: 'metallb-system',
        poolName: 'kindgate-pool',
        l2AdvertisementName: 'kindgate-l2',
        // The controller rotates the webhook's certificate at start; on a slow node that takes a minute or more.
        poolRetryMs: 300_000,
      },
      gatewayApiCrds: {
        version: pins.gatewayApi.version,
        channel: options.channel,
        bundle: {
          url: bundle.url,
          sha256: bundle.sha256,
          bytes: bundle.bytes,
          cachePath: join(downloads, `gateway-api-${pins.gatewayApi.version}`, `${options.channel}-install.yaml`),
        },
        establishedTimeoutMs: 60_000,
      },
      implementation: implementationPlan(profile, kubeconfigPath),
    },
    teardown: {
      delete: options.keep || options.reuse ? undefined : kindCommands.delete({ name, kubeconfigPath }),
      relayLabel: { [RELAY_LABEL]: name },
    },
  };
}

function preloadEngineMessage(engine: Engine): string {
  return (
    `--preload-images loads images with \`kind load docker-image\`, which reads them from docker, ` +
    `but KIND_EXPERIMENTAL_PROVIDER=${engine} runs the cluster on ${engine}; drop --preload-images or unset KIND_EXPERIMENTAL_PROVIDER.`
  );
}

function imagesPlan(options: RunOptions, profile: Profile, engine: Engine): KindRunPlan['images'] {
  const list = clusterImages(options, profile);
  const notListed = imagesNotListed(options, profile);
  if (!options.preloadImages) return { list, notListed };
  if (engine !== 'docker') throw new UsageError(preloadEngineMessage(engine));
  return { list, notListed, preload: preloadPlan(options.clusterName, list) };
}

function noInstallMessage(profile: string): string {
  return (
    `Profile "${profile}" has no install step, so --provider kind cannot install it; ` +
    'add profile.install (a command and/or manifests) to the config file, or use --provider existing on a cluster where it is installed.'
  );
}

function implementationPlan(profile: Profile, kubeconfigPath: string): ImplementationPlan {
  const gatewayClass: ObjectRef = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    name: profile.gatewayClassName,
  };
  const install = profile.install;
  if (!install) {
    throw new UsageError(noInstallMessage(profile.name));
  }
  if (install.type === 'vendor') {
    const [file, ...args] = install.command ?? [];
    return {
      type: 'vendor',
      profile: profile.name,
      command: file ? { file, args, timeoutMs: install.timeoutMs, env: { KUBECONFIG: kubeconfigPath } } : undefined,
      manifests: install.manifests,
      gatewayClass,
      gatewayClassTimeoutMs: install.gatewayClassTimeoutMs,
    };
  }
  return {
    type: 'istio',
    version: pins.istio.version,
    // istioctl: install -y/--skip-confirmation, --set/-s (operator/cmd/mesh/install.go);
    // --kubeconfig/-c is a root flag (istioctl/pkg/cli/option.go).
    install: {
      file: 'istioctl',
      args: ['install', '--set', 'profile=minimal', '-y', '--kubeconfig', kubeconfigPath],
      timeoutMs: 10 * 60_000,
    },
    // Deployment istiod, label app=istiod (manifests/charts/istio-control/istio-discovery/templates/deployment.yaml).
    istiod: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'istio-system', name: 'istiod' },
    istiodTimeoutMs: 300_000,
    gatewayClass,
    gatewayClassTimeoutMs: 120_000,
  };
}
