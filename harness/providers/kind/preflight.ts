import { existsSync } from 'node:fs';
import { EnvironmentError } from '../../errors.ts';
import { CommandError, formatCommand, type RunCommand } from '../../exec.ts';
import type { Logger } from '../../log.ts';
import type { KindRunPlan } from './plan.ts';
import { hostRouting, parseEngineInfo, type HostRouting } from './reach/routing.ts';
import type { Artifact } from './tools/artifact.ts';
import type { Downloader } from './tools/download.ts';
import { toolAvailableOffline } from './tools/resolve.ts';

/**
 * Checks before anything is created. Each failure is one EnvironmentError sentence (exit 3) with
 * the fix, and points to `--provider sim` for an offline try. Nothing is left behind.
 */
export interface PreflightDeps {
  run: RunCommand;
  download: Downloader;
  which(name: string): Promise<string | undefined>;
  hashFile?(path: string): Promise<string>;
  nodeVersion?: string;
  /** The host as routing sees it (default: this process's platform and environment). */
  platform?: string;
  env?: NodeJS.ProcessEnv;
}

const OFFLINE = 'or for an offline try use --provider sim';

export function checkNodeVersion(version: string, minimum: string): void {
  const [a, b, c] = version.replace(/^v/, '').split('.').map(Number);
  const [x, y, z] = minimum.split('.').map(Number);
  const ok = a !== x ? a > x : b !== y ? b > y : c >= z;
  if (!ok)
    throw new EnvironmentError(
      `kindgate needs Node.js ${minimum} or newer, this is ${version}; install a current Node.js LTS (20, 22 or 24), ${OFFLINE}.`,
    );
}

function installHint(engine: string): string {
  if (engine === 'docker') return 'install Docker Engine (Linux) or Docker Desktop (macOS, Windows via WSL 2)';
  return `install ${engine} (KIND_EXPERIMENTAL_PROVIDER=${engine} chose it), or unset KIND_EXPERIMENTAL_PROVIDER to use docker,`;
}

/** Turn a failed `docker info` into the sentence a user needs. */
export function engineError(engine: string, error: unknown): EnvironmentError {
  const text = error instanceof CommandError ? `${error.stderrTail} ${error.message}` : String(error);
  if (error instanceof CommandError && error.reason === 'not-found') {
    return new EnvironmentError(
      `The ${engine} command is not installed; ${installHint(engine)} and retry, ${OFFLINE}.`,
    );
  }
  if (/permission denied/i.test(text)) {
    return new EnvironmentError(
      `${engine} is installed but this user may not use its socket (permission denied); ` +
        `add the user to the docker group (sudo usermod -aG docker $USER, then log in again) or use rootless Docker, ${OFFLINE}.`,
    );
  }
  if (
    /cannot connect|is the docker daemon running|connection refused|no such file or directory|error during connect|unable to connect/i.test(
      text,
    )
  ) {
    return new EnvironmentError(
      `No ${engine} engine is running (the ${engine} CLI cannot reach its daemon); ` +
        `start it (sudo systemctl start docker, or open Docker Desktop) and retry, ${OFFLINE}.`,
    );
  }
  return new EnvironmentError(
    `\`${engine} info\` failed (${text.trim().split('\n').pop()}); fix the ${engine} installation and retry, ${OFFLINE}.`,
  );
}

/** The artifacts this run still has to download (not cached, and no verified tool on PATH). */
export async function pendingDownloads(
  plan: KindRunPlan,
  deps: Pick<PreflightDeps, 'download' | 'which' | 'hashFile'>,
): Promise<{ what: string; artifact: Artifact }[]> {
  const pending: { what: string; artifact: Artifact }[] = [];
  for (const tool of plan.tools) {
    if (await toolAvailableOffline(tool, deps)) continue;
    pending.push({ what: `${tool.name} ${tool.version}`, artifact: tool.artifact });
  }
  const { metallb, gatewayApiCrds } = plan.installs;
  for (const [what, artifact] of [
    [`MetalLB ${metallb.version}`, metallb.manifest],
    [`Gateway API ${gatewayApiCrds.version} CRDs`, gatewayApiCrds.bundle],
  ] as const) {
    if (!existsSync(`${artifact.cachePath}.sha256`)) pending.push({ what, artifact });
  }
  return pending;
}

/** Whether the kind network is routable from this host: what the plan knew, else the engine's own facts. */
async function routingOf(
  plan: KindRunPlan,
  infoStdout: string,
  deps: PreflightDeps,
  log: Logger,
  signal?: AbortSignal,
): Promise<HostRouting> {
  if (plan.routing) return plan.routing;
  const facts = parseEngineInfo(plan.engine, infoStdout);
  if (!facts) log.debug(`\`${formatCommand(plan.preflight.engineInfo)}\` printed no JSON; assuming a local engine`);
  const contextEndpoint = plan.preflight.contextEndpoint
    ? await deps
        .run(plan.preflight.contextEndpoint, log, { signal })
        .then((r) => r.stdout)
        .catch(() => undefined)
    : undefined;
  const env = deps.env ?? process.env;
  return hostRouting({ platform: deps.platform ?? process.platform, engine: plan.engine, env, facts, contextEndpoint });
}

/** Checks before anything is created; returns whether the kind network will be routable from this host. */
export async function preflight(
  plan: KindRunPlan,
  deps: PreflightDeps,
  log: Logger,
  signal?: AbortSignal,
): Promise<HostRouting> {
  checkNodeVersion(deps.nodeVersion ?? process.versions.node, plan.preflight.nodeMinimum);
  let info: string;
  try {
    info = (await deps.run(plan.preflight.engineInfo, log, { signal })).stdout;
  } catch (error) {
    throw engineError(plan.engine, error);
  }
  const routing = await routingOf(plan, info, deps, log, signal);
  const pending = await pendingDownloads(plan, deps);
  const hosts = new Map<string, string>();
  for (const { what, artifact } of pending) {
    for (const url of [artifact.url, artifact.checksumUrl].filter((u): u is string => Boolean(u))) {
      const origin = new URL(url).origin;
      if (!hosts.has(origin)) hosts.set(origin, what);
    }
  }
  await Promise.all(
    [...hosts].map(async ([origin, what]) => {
      try {
        await deps.download.head(origin, plan.preflight.hostProbeTimeoutMs, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        const why =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${plan.preflight.hostProbeTimeoutMs / 1000} s`
            : ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
        throw new EnvironmentError(
          `Cannot reach ${origin} (${why}), needed to download ${what}; check the network or HTTPS proxy, ${OFFLINE}.`,
          { cause: error },
        );
      }
    }),
  );
  log.debug(
    `preflight: ${plan.engine} reachable; ${pending.length} download(s) pending from ${[...hosts.keys()].join(', ') || 'no host'}`,
  );
  return routing;
}
