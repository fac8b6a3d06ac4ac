import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, type CommandLine, type RunCommand } from '../exec.ts';
import type { Logger } from '../log.ts';
import { pins } from '../pins.ts';
import type { RunnerHandle, RunnerOutcome } from './runner-local.ts';
import { streamProcess } from './stream-process.ts';
import { goTestArgs } from './upstream-command-line.ts';
import { runnerGoProxy, type WorkspacePlan } from './workspace.ts';

/**
 * The default runner: `go test` in a pinned Go image, started on the cluster's docker network
 * (kind: `kind`, where the API server answers by its container name and the Gateway addresses
 * are reachable directly, also on Docker Desktop) or on the host network (--provider existing).
 * The workspace and the kubeconfig are mounted read-only; the Go module and build caches live in a
 * named volume so a second run neither downloads nor compiles again. The report is written inside
 * the container and fetched with `docker cp`, which hands it over byte for byte and owned by the
 * user (the container runs as root for the volume; a bind-mounted report would be root's 0600 file).
 */

export const RUNNER_LABEL = 'kindgate.conformance-runner';
/** Paths inside the runner container. */
export const CONTAINER_PATHS = {
  kubeconfig: '/kindgate/kubeconfig',
  workspace: '/kindgate/workspace',
  goCache: '/kindgate/go',
  report: '/tmp/kindgate-conformance-report.yaml',
} as const;
/** The workspace's file proxy as the runner sees it. */
export const CONTAINER_GOPROXY = `${CONTAINER_PATHS.workspace}/goproxy`;

/** Proxy settings of this machine, passed on so the runner can reach the Go module proxy too. */
const PROXY_ENV = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];

export interface ContainerRunnerPlan {
  kind: 'container';
  engine: string;
  image: string;
  name: string;
  network: string;
  /** Host path of the kubeconfig mounted into the runner. */
  kubeconfig: string;
  volume: string;
  labels: Record<string, string>;
  run: CommandLine;
  copyReport: CommandLine;
  remove: CommandLine;
  /** Where `docker cp` puts the report on this machine. */
  stagedReport: string;
}

export interface ContainerRunnerInput {
  engine: string;
  image: string;
  name: string;
  network: string;
  kubeconfig: string;
  workspace: WorkspacePlan;
  flags: (reportOutput: string) => string[];
  timeoutMs: number;
  stagingDir: string;
  /** The value of the runner label (the cluster's name), so leftovers can be found. */
  owner: string;
  /** Default: the pinned cache volume; tests use their own. */
  volume?: string;
  env?: NodeJS.ProcessEnv;
}

const PROCESS_MARGIN_MS = 60 * 60_000;

export function planContainerRunner(input: ContainerRunnerInput): ContainerRunnerPlan {
  const env = input.env ?? process.env;
  const volume = input.volume ?? pins.conformance.cacheVolume;
  const labels = { [RUNNER_LABEL]: input.owner };
  const p = CONTAINER_PATHS;
  const goEnv: Record<string, string> = {
    KUBECONFIG: p.kubeconfig,
    GOMODCACHE: `${p.goCache}/mod`,
    GOCACHE: `${p.goCache}/build`,
    GOFLAGS: '-mod=readonly',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
  };
  for (const name of PROXY_ENV) if (env[name]) goEnv[name] = env[name]!;
  // Passed by name (`-e GOPROXY`): the engine's client hands the value over from its own
  // environment, so the command line shows no proxy. Without one, the image's Go uses its defaults.
  const goProxy = runnerGoProxy(input.workspace, CONTAINER_GOPROXY);
  const moduleDir = `${p.workspace}/module`;
  const args = [
    'run',
    '--name',
    input.name,
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    '--network',
    input.network,
    '-v',
    `${input.kubeconfig}:${p.kubeconfig}:ro`,
    '-v',
    `${input.workspace.dir}:${p.workspace}:ro`,
    '-v',
    `${volume}:${p.goCache}`,
    ...Object.entries(goEnv).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...(goProxy ? ['-e', 'GOPROXY'] : []),
    '-w',
    moduleDir,
    input.image,
    'go',
    ...goTestArgs(input.flags(p.report), input.timeoutMs),
  ];
  const stagedReport = join(input.stagingDir, 'report.yaml');
  return {
    kind: 'container',
    engine: input.engine,
    image: input.image,
    name: input.name,
    network: input.network,
    kubeconfig: input.kubeconfig,
    volume,
    labels,
    run: {
      file: input.engine,
      args,
      timeoutMs: input.timeoutMs + PROCESS_MARGIN_MS,
      ...(goProxy ? { env: { GOPROXY: goProxy } } : {}),
    },
    copyReport: { file: input.engine, args: ['cp', `${input.name}:${p.report}`, stagedReport], timeoutMs: 60_000 },
    remove: { file: input.engine, args: ['rm', '-f', input.name], timeoutMs: 60_000 },
    stagedReport,
  };
}

export function startContainerRunner(
  plan: ContainerRunnerPlan,
  io: { logFile: string; onLine: (line: string) => void; log: Logger; run?: RunCommand },
): RunnerHandle {
  const run = io.run ?? runCommand;
  const child = streamProcess(plan.run, io.logFile, io.onLine);
  let removed: Promise<void> | undefined;
  const remove = () =>
    (removed ??= run(plan.remove, io.log).then(
      () => undefined,
      (error: Error) => io.log.warn(`could not remove the runner container ${plan.name}: ${error.message}`),
    ));
  const done = (async (): Promise<RunnerOutcome> => {
    try {
      const exitCode = await child.done;
      // The suite writes no report when it stops early (a setup failure): then there is nothing to copy.
      const copied = await run(plan.copyReport, io.log).then(
        () => true,
        () => false,
      );
      return { exitCode, report: copied && existsSync(plan.stagedReport) ? plan.stagedReport : undefined };
    } finally {
      await remove();
    }
  })();
  return {
    done,
    async stop() {
      // Removing the container ends `docker run` too (it exits with the container).
      await remove();
      child.kill();
      await done.catch(() => undefined);
    },
  };
}
