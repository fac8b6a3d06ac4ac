import type { StartedTestContainer } from 'testcontainers';
import { SetupError } from '../../../errors.ts';
import type { RunCommand } from '../../../exec.ts';
import type { Logger } from '../../../log.ts';
import type { Engine } from '../engine.ts';
import type { Endpoint } from '../../types.ts';
import { waitForTcp } from './tcp.ts';

/** Port the relay listens on inside its container; mapped to a random host port. */
export const RELAY_PORT = 8080;

export interface RelaySpec {
  image: string;
  network: string;
  target: Endpoint;
  labels: Record<string, string>;
}

export interface StartedRelay {
  id: string;
  endpoint: Endpoint;
  stop(): Promise<void>;
}

export type StartRelay = (spec: RelaySpec, log: Logger) => Promise<StartedRelay>;

/**
 * socat's own argument syntax; the pinned image (alpine/socat) has ENTRYPOINT ["socat"], so these
 * are its whole command line (`docker run alpine/socat tcp-listen:…,fork,reuseaddr tcp-connect:…`).
 * The docker test tier's locally built relay accepts the same two arguments.
 */
export function relayCommand(target: Endpoint, listenPort = RELAY_PORT): string[] {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return [`TCP-LISTEN:${listenPort},fork,reuseaddr`, `TCP-CONNECT:${host}:${target.port}`];
}

/** Ready as soon as it runs: the image has no shell for testcontainers' port check; we probe from the host. */
const runningIsEnough = {
  startupTimeoutMs: 60_000,
  async waitUntilReady() {},
  withStartupTimeout(ms: number) {
    this.startupTimeoutMs = ms;
    return this;
  },
  isStartupTimeoutSet: () => true,
  getStartupTimeout() {
    return this.startupTimeoutMs;
  },
};

function relayStartMessage(spec: RelaySpec, error: unknown): string {
  const fix = 'check that the image can be pulled (or point --relay-image at a mirror) and that the network exists';
  return `Could not start the relay container (image ${spec.image}) on docker network ${spec.network}: ${(error as Error).message}; ${fix}.`;
}

function relayNotListeningMessage(spec: RelaySpec, endpoint: Endpoint): string {
  const where = `${endpoint.host}:${endpoint.port}`;
  const args = relayCommand(spec.target).join(' ');
  return `The relay container (image ${spec.image}) did not listen on ${where} within 15 s; check that the image runs socat (its arguments: ${args}).`;
}

/**
 * A relay container on the kind network forwarding a host port to `target` (Docker Desktop cannot
 * route to the kind network from the host). Ryuk (testcontainers' reaper) is disabled unless the
 * user set it: it is one more image to pull, and kindgate removes its relays itself (by label).
 */
export const startRelayContainer: StartRelay = async (spec, log) => {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // The Docker SDK (testcontainers, dockerode, ssh2, grpc) loads with the first relay: the plan,
  // `kindgate down` and `gc` only remove relays by label, through the engine's CLI.
  const { GenericContainer } = await import('testcontainers');
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(spec.image)
      .withNetworkMode(spec.network)
      .withExposedPorts(RELAY_PORT)
      .withCommand(relayCommand(spec.target))
      .withLabels(spec.labels)
      .withWaitStrategy(runningIsEnough)
      .start();
  } catch (error) {
    throw new SetupError(relayStartMessage(spec, error), { cause: error });
  }
  const endpoint = { host: container.getHost(), port: container.getMappedPort(RELAY_PORT) };
  const stop = async () => {
    await container.stop({ remove: true, timeout: 0 }).catch(() => undefined);
  };
  if (!(await waitForTcp(endpoint.host, endpoint.port, 15_000))) {
    await stop();
    throw new SetupError(relayNotListeningMessage(spec, endpoint));
  }
  log.debug(
    `relay ${container.getId().slice(0, 12)}: ${endpoint.host}:${endpoint.port} → ${spec.target.host}:${spec.target.port}`,
  );
  return { id: container.getId(), endpoint, stop };
};

/** Remove every container carrying the labels (relays left by a crashed run, or not tracked). */
export async function removeLabelledContainers(
  engine: Engine,
  labels: Record<string, string>,
  run: RunCommand,
  log: Logger,
): Promise<number> {
  const filters = Object.entries(labels).flatMap(([k, v]) => ['--filter', `label=${k}=${v}`]);
  const listed = await run({ file: engine, args: ['ps', '-aq', ...filters], timeoutMs: 30_000 }, log);
  const ids = listed.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length > 0) await run({ file: engine, args: ['rm', '-f', ...ids], timeoutMs: 60_000 }, log);
  return ids.length;
}
