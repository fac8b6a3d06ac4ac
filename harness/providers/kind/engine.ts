/**
 * Which container engine kind drives and which network its nodes join. kind reads
 * KIND_EXPERIMENTAL_PROVIDER (podman|docker|nerdctl; pkg/internal/runtime/runtime.go) and lets
 * KIND_EXPERIMENTAL_DOCKER_NETWORK / KIND_EXPERIMENTAL_PODMAN_NETWORK override the fixed network
 * name `kind` (pkg/cluster/internal/providers/{docker,podman}/provider.go). We follow the same.
 */
export type Engine = 'docker' | 'podman';

export function engineFromEnv(env: NodeJS.ProcessEnv = process.env): Engine {
  return env.KIND_EXPERIMENTAL_PROVIDER === 'podman' ? 'podman' : 'docker';
}

export function kindNetworkName(engine: Engine, env: NodeJS.ProcessEnv = process.env): string {
  const override = engine === 'podman' ? env.KIND_EXPERIMENTAL_PODMAN_NETWORK : env.KIND_EXPERIMENTAL_DOCKER_NETWORK;
  return override || 'kind';
}

export function networkInspectCommand(engine: Engine, network: string) {
  return { file: engine, args: ['network', 'inspect', network], timeoutMs: 30_000 };
}
