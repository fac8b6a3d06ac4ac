import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOptions } from '../config/options.ts';
import { parseRunOptions } from '../config/parse.ts';
import { createLogger } from '../log.ts';
import { getProfile } from '../profiles/index.ts';
import type { Profile } from '../profiles/types.ts';
import { checkCacheDir } from './cache-dir.ts';
import { asSetupError } from '../errors.ts';
import type { ClusterHandle } from '../run/handle.ts';
import { tearDownWhenAbandoned } from '../run/parent-watch.ts';
import { useRunTempDir } from '../run/temp-dir.ts';
import type { Session } from '../run/session.ts';
import {
  createStateDir,
  DETACHED_STATE_ENV,
  removeStateDir,
  sha256,
  writeRecord,
  type DetachedRecord,
} from '../run/detached-state.ts';
import { identityOf } from '../run/process-identity.ts';
import { nameTaken, SIM_LOG_FILE } from './detach-sim.ts';

/**
 * `kindgate up`: provision and keep serving until interrupted. stdout gets only
 * `KUBECONFIG=<path>` and `GATEWAY_URL=http://host:port` lines, so scripts can `eval` them.
 *
 * With --detach it returns once ready and leaves the environment up until `kindgate down`: the
 * sim is served by a background process (detach-sim.ts starts it; this same command, told by
 * DETACHED_STATE_ENV where its record goes, is that process); a kind cluster is left as --keep
 * leaves it, recorded for `down`.
 */
export async function upCommand(argv: string[]): Promise<number> {
  const options = parseRunOptions('up', argv);
  const log = createLogger({ verbose: options.verbose });
  const profile = getProfile(options.profile);
  if (options.dryRun) return (await import('./dry-run.ts')).printPlan(options, profile, 'up');
  checkCacheDir(options);
  const background = process.env[DETACHED_STATE_ENV];
  if (options.detach && options.provider === 'sim' && !background) {
    return (await import('./detach-sim.ts')).startDetachedSim(argv, options, log);
  }
  useRunTempDir();
  // A background process is meant to outlive its parent, once it is ready.
  const stopWatching = tearDownWhenAbandoned((m) => log.warn(m));
  const recordDir = background ?? (options.detach ? await claimKindRecord(options) : undefined);
  // A --kubeconfig that exists already is the user's (empty) file: down empties it, never deletes it.
  const kubeconfigExisted = options.kubeconfig !== undefined && existsSync(options.kubeconfig);

  const { Session } = await import('../run/session.ts'); // the Kubernetes client: only for valid options
  const session = await Session.create(options, profile, log);
  // stdout is up's contract (the KUBECONFIG= and GATEWAY_URL= lines): once nobody can read it,
  // the environment is of no use to anyone, so it is torn down (exit 141, as SIGPIPE would).
  process.stdout.on('error', () => session.interrupt('SIGPIPE'));
  // Until the environment is ready and recorded, an interrupted detached kind run leaves no record.
  if (recordDir && !background) session.beforeInterruptTeardown(() => removeStateDir(recordDir));
  let provisioned;
  try {
    provisioned = await session.provision();
  } catch (error) {
    await session.teardown();
    if (recordDir && !background) await removeStateDir(recordDir);
    throw asSetupError(error);
  }
  const { handle } = provisioned;
  const lines = upLines(handle);
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  for (const [key, endpoint] of Object.entries(handle.endpoints)) {
    if ('error' in endpoint) log.warn(`listener ${key}: ${endpoint.error}`);
    else log.info(`listener ${key} → http://${endpoint.host}:${endpoint.port} (Host: ${handle.hostname})`);
  }
  if (recordDir) {
    const record = await detachedRecord(options, profile, session, handle, kubeconfigExisted);
    if (background) {
      await writeRecord(recordDir, { ...record, process: await identityOf(process.pid) });
      stopWatching();
      // Whatever ends this process (down's SIGTERM, a signal), its record goes with it, after the teardown.
      process.once('exit', () => rmSync(recordDir, { recursive: true, force: true }));
      log.info(`serving (detached); stop with: kindgate down --name ${options.clusterName}`);
    } else {
      await writeRecord(recordDir, record);
      session.leaveRunning();
      log.info(
        `cluster ${options.clusterName} left running (detached); remove it with: kindgate down --name ${options.clusterName}`,
      );
      return 0;
    }
  } else {
    log.info('serving; press Ctrl-C to stop');
  }
  // Teardown and exit happen in the session's interrupt handler (a signal, a closed stdout).
  await new Promise<never>(() => {});
  return 0;
}

/** `KUBECONFIG=<path>`, and `GATEWAY_URL=http://host:port` of the first reachable listener. */
export function upLines(handle: ClusterHandle): string[] {
  const first = Object.values(handle.endpoints).find((e) => !('error' in e)) as
    { host: string; port: number } | undefined;
  return [`KUBECONFIG=${handle.kubeconfigPath}`, ...(first ? [`GATEWAY_URL=http://${first.host}:${first.port}`] : [])];
}

/** Claim the name of a detached kind environment before anything is created. */
async function claimKindRecord(options: RunOptions): Promise<string> {
  try {
    return await createStateDir(options.cacheDir, options.clusterName);
  } catch (error) {
    throw nameTaken(options, error);
  }
}

/** What `down` needs to find and remove this environment. */
async function detachedRecord(
  options: RunOptions,
  profile: Profile,
  session: Session,
  handle: ClusterHandle,
  kubeconfigExisted: boolean,
): Promise<DetachedRecord> {
  const kubeconfig = handle.kubeconfigPath;
  const text = await readFile(kubeconfig, 'utf8').catch(() => undefined);
  const apiServer = session.provisioned?.kube.kubeConfig.getCurrentCluster()?.server;
  const endpoints = Object.values(handle.endpoints).filter((e) => !('error' in e)) as { port: number }[];
  const gatewayUrl = upLines(handle)[1]?.slice('GATEWAY_URL='.length);
  const record: DetachedRecord = {
    version: 1,
    name: options.clusterName,
    provider: options.provider === 'kind' ? 'kind' : 'sim',
    kubeconfig,
    kubeconfigCreated: !kubeconfigExisted,
    ...(text !== undefined ? { kubeconfigSha256: sha256(text) } : {}),
    ...(gatewayUrl ? { gatewayUrl } : {}),
    ...(apiServer ? { apiServer } : {}),
    ports: options.provider === 'sim' ? [...portsOf(apiServer), ...endpoints.map((e) => e.port)] : [],
    startedAt: new Date().toISOString(),
  };
  if (options.provider === 'kind') {
    const { planKindRun } = await import('../providers/kind/provider.ts');
    const plan = planKindRun(options, profile);
    record.kind = { cluster: plan.clusterName, engine: plan.engine, relayLabel: plan.teardown.relayLabel };
  } else if (process.env[DETACHED_STATE_ENV]) {
    record.log = join(process.env[DETACHED_STATE_ENV], SIM_LOG_FILE);
  }
  return record;
}

function portsOf(url: string | undefined): number[] {
  const port = url ? Number(new URL(url).port) : NaN;
  return Number.isInteger(port) && port > 0 ? [port] : [];
}
