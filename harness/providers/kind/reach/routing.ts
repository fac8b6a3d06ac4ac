import type { CommandLine } from '../../../exec.ts';
import type { Engine } from '../engine.ts';

/**
 * Whether the kind network (where MetalLB hands out Gateway addresses) is routable from this
 * host. Only then is a Gateway's status address reachable directly; elsewhere a relay container
 * on that network must forward a host port to it. Decided from facts, never guessed:
 * - the host platform: on macOS the engine runs in a VM (Docker Desktop, colima, podman machine);
 * - DOCKER_HOST, or the endpoint of the current docker context, not a unix socket: a remote engine;
 * - `docker info`: Docker Desktop (OperatingSystem "Docker Desktop", as testcontainers checks in
 *   container-runtime/utils/remote-container-runtime-socket-path.ts; Name "docker-desktop") runs
 *   the engine in a VM, also on Linux; SecurityOptions `name=rootless` (as kind reads it,
 *   providers/{docker,nerdctl}/provider.go) keeps the engine's networks in its own namespace;
 * - `podman info --format json`: host.security.rootless (kind providers/podman/provider.go),
 *   host.serviceIsRemote.
 */
export interface HostRouting {
  routable: boolean;
  /** Why, in a few words a step line or the plan can carry. */
  why: string;
}

/** The facts of `<engine> info` that decide routing. */
export interface EngineFacts {
  desktop: boolean;
  rootless: boolean;
  remote: boolean;
}

interface DockerInfo {
  OperatingSystem?: string;
  Name?: string;
  SecurityOptions?: string[] | null;
}

interface PodmanInfo {
  host?: { security?: { rootless?: boolean }; serviceIsRemote?: boolean };
}

/** Read `<engine> info` JSON; undefined when it is not the JSON asked for. */
export function parseEngineInfo(engine: Engine, stdout: string): EngineFacts | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  if (engine === 'podman') {
    const host = (parsed as PodmanInfo).host;
    return { desktop: false, rootless: host?.security?.rootless === true, remote: host?.serviceIsRemote === true };
  }
  const info = parsed as DockerInfo;
  const options = (info.SecurityOptions ?? []).flatMap((o) => o.split(','));
  return {
    desktop: info.OperatingSystem === 'Docker Desktop' || info.Name === 'docker-desktop',
    rootless: options.includes('name=rootless'),
    remote: false,
  };
}

/** The engine endpoint DOCKER_HOST names, when it is not a local unix socket. */
function remoteDockerHost(engine: Engine, env: NodeJS.ProcessEnv): string | undefined {
  const host = env.DOCKER_HOST;
  return engine === 'docker' && host && !host.startsWith('unix://') ? host : undefined;
}

const ROUTABLE: HostRouting = {
  routable: true,
  why: 'a local engine on Linux: the kind network is routable from this host',
};

/**
 * What can be decided before running anything (for --dry-run and before preflight): the platform
 * and DOCKER_HOST. Undefined when `<engine> info` decides.
 */
export function routingFromHost(platform: string, engine: Engine, env: NodeJS.ProcessEnv): HostRouting | undefined {
  if (platform !== 'linux') {
    return {
      routable: false,
      why: `on ${platform} the engine runs in a VM whose networks are not routable from this host`,
    };
  }
  const remote = remoteDockerHost(engine, env);
  if (remote) return { routable: false, why: `DOCKER_HOST=${remote} is a remote engine` };
  return undefined;
}

/** The whole decision, once `<engine> info` (and for docker the current context's endpoint) answered. */
export function hostRouting(input: {
  platform: string;
  engine: Engine;
  env: NodeJS.ProcessEnv;
  facts?: EngineFacts;
  /** `docker context inspect` of the current context: its docker endpoint. */
  contextEndpoint?: string;
}): HostRouting {
  const fromHost = routingFromHost(input.platform, input.engine, input.env);
  if (fromHost) return fromHost;
  const { facts, engine } = input;
  if (facts?.desktop) return { routable: false, why: 'Docker Desktop runs the engine in a VM' };
  if (facts?.rootless)
    return { routable: false, why: `a rootless ${engine} keeps its networks in its own network namespace` };
  if (facts?.remote) return { routable: false, why: `${engine} talks to a remote service` };
  const endpoint = input.contextEndpoint?.trim();
  if (endpoint && !endpoint.startsWith('unix://')) {
    return { routable: false, why: `the current docker context's endpoint ${endpoint} is a remote engine` };
  }
  return ROUTABLE;
}

/** docker only (unless DOCKER_HOST decides): the current context's endpoint, local socket or remote. */
export function contextEndpointCommand(engine: Engine, env: NodeJS.ProcessEnv): CommandLine | undefined {
  if (engine !== 'docker' || env.DOCKER_HOST) return undefined;
  return { file: 'docker', args: ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'], timeoutMs: 30_000 };
}
