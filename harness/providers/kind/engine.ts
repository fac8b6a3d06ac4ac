import type { CommandLine } from '../../exec.ts';

/**
 * Which container engine kind drives and which network its nodes join. kind reads
 * KIND_EXPERIMENTAL_PROVIDER: docker, podman, or nerdctl/finch/nerdctl.lima, where the value is
 * also the binary it runs (kind pkg/internal/runtime/runtime.go, providers/nerdctl/provider.go).
 * KIND_EXPERIMENTAL_DOCKER_NETWORK / KIND_EXPERIMENTAL_PODMAN_NETWORK override the fixed network
 * name `kind` (providers/{docker,podman}/provider.go); the nerdctl provider always uses `kind`
 * (providers/nerdctl/network.go fixedNetworkName). We follow the same.
 */
export type Engine = 'docker' | 'podman' | 'nerdctl' | 'finch' | 'nerdctl.lima';

const NERDCTL_FAMILY: readonly Engine[] = ['nerdctl', 'finch', 'nerdctl.lima'];

/** nerdctl, or a distribution of it (finch, nerdctl.lima) that kind drives the same way. */
export function isNerdctl(engine: Engine): boolean {
  return NERDCTL_FAMILY.includes(engine);
}

export function engineFromEnv(env: NodeJS.ProcessEnv = process.env): Engine {
  const wanted = env.KIND_EXPERIMENTAL_PROVIDER as Engine | undefined;
  return wanted === 'podman' || (wanted !== undefined && isNerdctl(wanted)) ? wanted : 'docker';
}

export function kindNetworkName(engine: Engine, env: NodeJS.ProcessEnv = process.env): string {
  if (isNerdctl(engine)) return 'kind';
  const override = engine === 'podman' ? env.KIND_EXPERIMENTAL_PODMAN_NETWORK : env.KIND_EXPERIMENTAL_DOCKER_NETWORK;
  return override || 'kind';
}

/** The subnets of a network as space-separated text: kind's own query for nerdctl (providers/nerdctl/provision.go getSubnets). */
export const NERDCTL_SUBNETS_FORMAT = '{{range (index (index . "IPAM") "Config")}}{{index . "Subnet"}} {{end}}';

/** `<engine> network inspect <network>`: JSON for docker and podman, kind's subnet list for nerdctl. */
export function networkInspectCommand(engine: Engine, network: string): CommandLine {
  const format = isNerdctl(engine) ? ['-f', NERDCTL_SUBNETS_FORMAT] : [];
  return { file: engine, args: ['network', 'inspect', ...format, network], timeoutMs: 30_000 };
}

/**
 * `<engine> info` as JSON: answering proves the engine runs, and its facts say how (reach/routing.ts).
 * kind asks the same: `{{json .}}` for docker and nerdctl, `--format json` for podman.
 */
export function engineInfoCommand(engine: Engine): CommandLine {
  return { file: engine, args: ['info', '--format', engine === 'podman' ? 'json' : '{{json .}}'], timeoutMs: 30_000 };
}
