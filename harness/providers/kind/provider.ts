import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOptions } from '../../config/options.ts';
import { asSetupError, EnvironmentError, SetupError, UsageError } from '../../errors.ts';
import { runCommand, type RunCommand } from '../../exec.ts';
import { installGatewayApiCrds } from './install/gateway-api-crds.ts';
import type { KubeLike } from './install/deps.ts';
import { installIstio } from './install/istio.ts';
import { installMetallb } from './install/metallb.ts';
import { installVendor } from './install/vendor.ts';
import { parseClusterList, kindCommands } from './cluster.ts';
import {
  checkKubeconfigTarget,
  clustersDir,
  defaultKubeconfigPath,
  ensurePrivateDir,
  preparePrivateFile,
} from './kubeconfig.ts';
import { Kube } from '../../kube/client.ts';
import { timedStep, type Logger } from '../../log.ts';
import { formatPlan } from './plan-printer.ts';
import { planKindRun, type KindRunPlan, type PlanEnv } from './plan.ts';
import { withTools } from './tools/with-tools.ts';
import { preflight } from './preflight.ts';
import type { Profile } from '../../profiles/types.ts';
import { GatewayReach } from './reach/endpoint.ts';
import { removeLabelledContainers, startRelayContainer, type StartRelay } from './reach/relay.ts';
import { tcpConnectable } from './reach/tcp.ts';
import { httpDownloader, type Downloader } from './tools/download.ts';
import { resolveTool, whichOnPath } from './tools/resolve.ts';
import type { Endpoint, GatewayRef, Provider } from '../types.ts';

export { formatPlan, planKindRun };
export type { KindRunPlan };

/** Everything the kind provider touches outside the process; tests replace these. */
export interface KindProviderDeps {
  run: RunCommand;
  download: Downloader;
  which(name: string): Promise<string | undefined>;
  kube(kubeconfigPath: string): KubeLike;
  startRelay: StartRelay;
  connectable(host: string, port: number, timeoutMs: number): Promise<boolean>;
  /** --reach auto: how long connects to a Gateway address are retried before using a relay (default 30 s). */
  directWindowMs?: number;
  host: PlanEnv;
  nodeVersion?: string;
}

const defaultDeps: KindProviderDeps = {
  run: runCommand,
  download: httpDownloader,
  which: (name) => whichOnPath(name),
  kube: (path) => Kube.fromFile(path),
  startRelay: startRelayContainer,
  connectable: tcpConnectable,
  host: {},
};

const withVerboseHint = (message: string) => message.replace(/\.?$/, '; rerun with --verbose for details.');

/** The vendor's install program must be there before a cluster is created for it. */
async function vendorCommandFound(plan: KindRunPlan, deps: Pick<KindProviderDeps, 'which'>): Promise<void> {
  const install = plan.installs.implementation;
  if (install.type !== 'vendor' || !install.command) return;
  const program = install.command.file;
  if (program.includes('/')) return; // a path: checked when the config file was read
  if (!(await deps.which(program))) {
    throw new EnvironmentError(
      `\`${program}\` (profile.install.command of profile ${install.profile}) was not found on PATH; install it, or give its absolute path in the config file.`,
    );
  }
}

export interface KindProvider extends Provider {
  readonly plan: KindRunPlan;
}

/**
 * The `kind` provider: preflight → tools → cluster (or --reuse) → API server → concurrently
 * MetalLB, Gateway API CRDs, Istio; each step logged with its duration. `start` cleans up after
 * itself when it fails; `stop` is idempotent and safe at any point (also mid-start, on a signal).
 */
export function createKindProvider(
  options: RunOptions,
  profile: Profile,
  overrides: Partial<KindProviderDeps> = {},
): KindProvider {
  const deps: KindProviderDeps = { ...defaultDeps, ...overrides };
  const plan = planKindRun(options, profile, deps.host);
  const name = plan.clusterName;
  const tools: Record<string, string> = {};
  let kube: KubeLike | undefined;
  let reach: GatewayReach | undefined;
  let clusterOurs = false;
  let relaysRequested = false;
  let runLog: Logger | undefined;
  let stopping: Promise<void> | undefined;

  async function cluster(log: Logger): Promise<void> {
    const listed = parseClusterList((await deps.run(withTools(plan.cluster.list, tools), log)).stdout);
    const exists = listed.includes(name);
    if (plan.reuse) {
      if (!exists) {
        throw new UsageError(
          `--reuse was given but there is no kind cluster named ${name} (kind get clusters lists: ${listed.join(', ') || 'none'}); drop --reuse to create it.`,
        );
      }
      const out = await deps.run(withTools(plan.cluster.getKubeconfig, tools), log);
      await ensurePrivateDir(clustersDir(options.cacheDir));
      await preparePrivateFile(plan.kubeconfigPath, out.stdout);
      return;
    }
    if (exists) {
      throw new SetupError(
        `A kind cluster named ${name} already exists and kindgate will not overwrite it; pass --reuse to run against it, or delete it with \`kind delete cluster --name ${name}\`.`,
      );
    }
    await ensurePrivateDir(clustersDir(options.cacheDir));
    await preparePrivateFile(plan.cluster.configPath, plan.cluster.configYaml);
    await preparePrivateFile(plan.kubeconfigPath);
    clusterOurs = true; // from here on, teardown deletes it (kind delete is a no-op for a missing cluster)
    await deps.run(withTools(plan.cluster.create, tools), log);
    await chmod(plan.kubeconfigPath, 0o600);
  }

  async function installs(log: Logger, client: KubeLike): Promise<void> {
    const { metallb, gatewayApiCrds, implementation } = plan.installs;
    const common = { kube: client, run: deps.run, download: deps.download, tools };
    const crds = timedStep(
      log,
      `Gateway API ${gatewayApiCrds.version} CRDs (${gatewayApiCrds.channel}) Established`,
      () => installGatewayApiCrds(gatewayApiCrds, common, log),
    );
    const branches = [
      timedStep(log, `MetalLB ${metallb.version} ready`, async () => {
        const pool = await installMetallb(
          metallb,
          { ...common, engine: plan.engine, network: plan.network, clusterName: name },
          log,
        );
        log.info(`MetalLB pool ${pool.range} (docker network ${plan.network}, ${pool.subnet})`);
      }),
      crds,
      implementation.type === 'istio'
        ? timedStep(
            log,
            `Istio ${implementation.version} ready (istiod Available, GatewayClass ${implementation.gatewayClass.name} Accepted)`,
            () => installIstio(implementation, { ...common, crdsReady: crds }, log),
          )
        : timedStep(
            log,
            `${implementation.profile} installed (GatewayClass ${implementation.gatewayClass.name} Accepted)`,
            () => installVendor(implementation, { ...common, crdsReady: crds }, log),
          ),
    ];
    // Fail fast: the first failure goes to teardown at once instead of waiting for a stuck branch
    // (Istio can take minutes to time out). The others keep running until the cluster deletion
    // makes them fail; their later rejections are expected and must not be unhandled.
    for (const branch of branches) branch.catch(() => undefined);
    await Promise.all(branches);
  }

  const provider: KindProvider = {
    name: 'kind',
    plan,
    clusterOutlivesRun: plan.reuse,

    async start(log, hooks) {
      runLog = log;
      stopping = undefined;
      try {
        await timedStep(log, 'preflight', async () => {
          await checkKubeconfigTarget(plan.kubeconfigPath, defaultKubeconfigPath(options.cacheDir, name));
          await preflight(plan, deps, log);
          await vendorCommandFound(plan, deps);
        });
        await timedStep(log, `tools: ${plan.tools.map((t) => `${t.name} ${t.version}`).join(', ')}`, async () => {
          for (const spec of plan.tools) tools[spec.name] = await resolveTool(spec, deps, log);
        });
        await timedStep(log, plan.reuse ? `cluster ${name} reused` : `cluster ${name} created`, () => cluster(log));
        const client = deps.kube(plan.kubeconfigPath);
        kube = client;
        await timedStep(log, 'API server answers', () => client.waitForApi(plan.cluster.apiTimeoutMs));
        await installs(log, client);
      } catch (error) {
        try {
          await hooks?.beforeCleanup?.(error);
        } catch (hookError) {
          log.warn(`before cleanup: ${(hookError as Error)?.message ?? String(hookError)}`);
        } finally {
          // Nothing the hook does may keep the cluster alive.
          await provider.stop(log);
        }
        throw asSetupError(error, withVerboseHint);
      }
    },

    stop(log) {
      stopping ??= (async () => {
        if (reach) await reach.close().catch((e: Error) => log.warn(`removing relay containers: ${e.message}`));
        if (relaysRequested) {
          await removeLabelledContainers(plan.engine, plan.teardown.relayLabel, deps.run, log).catch((e: Error) =>
            log.warn(`removing relay containers by label: ${e.message}`),
          );
        }
        reach = undefined;
        relaysRequested = false;
        kube = undefined;
        if (clusterOurs && plan.teardown.delete && tools.kind) {
          const command = withTools(plan.teardown.delete, tools);
          await timedStep(log, `cluster ${name} deleted`, () => deps.run(command, log)).catch((e: Error) =>
            log.warn(
              `could not delete kind cluster ${name} (${e.message}); delete it with \`kind delete cluster --name ${name}\``,
            ),
          );
        } else if (clusterOurs && options.keep) {
          log.info(`cluster ${name} kept (--keep); KUBECONFIG=${plan.kubeconfigPath}`);
        }
        clusterOurs = false;
      })();
      return stopping;
    },

    kubeconfigPath: () => plan.kubeconfigPath,

    async endpoint(gateway: GatewayRef, listener: string): Promise<Endpoint> {
      const client = kube;
      if (!client)
        throw new SetupError(
          `The kind provider is not started, so Gateway ${gateway.namespace}/${gateway.name} cannot be reached; call start() first.`,
        );
      reach ??= new GatewayReach(
        {
          mode: plan.reach,
          relayImage: plan.relayImage,
          network: plan.network,
          labels: plan.teardown.relayLabel,
          directWindowMs: deps.directWindowMs,
        },
        {
          getGateway: (ref) =>
            client.get({
              apiVersion: 'gateway.networking.k8s.io/v1',
              kind: 'Gateway',
              namespace: ref.namespace,
              name: ref.name,
            }),
          connectable: deps.connectable,
          startRelay: (spec, log) => {
            relaysRequested = true;
            return deps.startRelay(spec, log);
          },
        },
        runLog ?? { step() {}, fail() {}, info() {}, warn() {}, debug() {} },
      );
      return reach.endpoint(gateway, listener);
    },

    async diagnose(dir, log) {
      if (!tools.kind) return;
      try {
        await deps.run(withTools(kindCommands.exportLogs(name, join(dir, 'kind-logs')), tools), log);
      } catch (error) {
        log.warn(`kind export logs failed: ${(error as Error).message}`);
      }
    },
  };
  return provider;
}
